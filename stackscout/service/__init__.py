"""`stackscout serve`: on-demand scans over HTTP, the stored accounts, and a web page."""
