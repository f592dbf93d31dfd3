-- One item's whole row as the snapshot has it (every column), if the caller's scope may see it:
-- what a verification form starts from (ledger.workflow.verify.load_item adds what the journal holds
-- beyond the snapshot).
-- $item_id: the item
select *
from items
where item_id = $item_id
