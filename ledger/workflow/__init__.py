"""The verification workflow (核实): items assigned to the unit where they happened, deadlines,
verification, reminders and their channels (SMS, email, work-group robots), grade confirmation,
staged event reports (快报事实，慎报原因) and the monthly reconciliation. Each write is journalled
and ends in the store's background rebuild."""
