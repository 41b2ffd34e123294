"""Data in and out: lists exported to CSV, Excel, vCard and iCalendar, and spreadsheets
imported through the store's own rules."""
