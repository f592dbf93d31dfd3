"""What Sentinel writes for people to read or send on: briefs (日报/周报/月报), exports to
Excel, CSV and Parquet, and reproducible Word files."""
