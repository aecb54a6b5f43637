-- The counts this load is about to replace (same day and SKU), kept so that unloading it restores them.
insert into replaced_stock by name
select s.*, $load_id as replaced_by
from stock_snapshots as s
where exists (
    select 1 from staged_rows as r
    where cast(r.snapshot_date as date) = s.snapshot_date and r.sku = s.sku
);
