"""The simulated apps: the launcher, Contacts, Simple Calendar Pro and Pro Expense."""
