"""One module per group of commands; each adds its subcommands with `add_commands` and
names the function that runs each (`handler`)."""
