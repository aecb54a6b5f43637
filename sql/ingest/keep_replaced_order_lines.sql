-- The lines a corrected re-send replaces (replaced_keys), kept so that unloading it restores them.
insert into replaced_order_lines by name
select *, $load_id as replaced_by
from order_lines
where line_key in (select line_key from replaced_keys);
