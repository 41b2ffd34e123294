"""Who may open the data: passwords, the database key sealed for each user, sign-in."""
