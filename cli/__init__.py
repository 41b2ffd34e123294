"""The command line: the top layer, above the window, the reports and db/. main.py starts
it; cli/parser.py builds it from one module per group of commands (cli/commands/)."""
