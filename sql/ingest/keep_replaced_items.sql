-- The item master rows this load is about to replace, kept so that unloading it restores them.
insert into replaced_items by name
select *, $load_id as replaced_by
from items
where sku in (select sku from staged_rows);
