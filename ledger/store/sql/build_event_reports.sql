-- Writes a snapshot's event_reports table: every staged event report (ledger/workflow/events.py), one row
-- per report with the columns of ledger.schema.EVENT_REPORTS_SCHEMA, by event and report number.
-- $report_files: the journal's "event_reports" part files
-- $out: the Parquet file to write
copy (
    select *
    from read_parquet($report_files, union_by_name = true)
    order by event_id, seq
) to $out (format parquet, compression zstd)
