-- Demand per SKU per whole period, zero-filled from each SKU's first sale to the last whole period.
-- A partial first or last period (data starting mid-week, as_of mid-week) is left out:
-- it would read as a demand drop.
insert into demand by name
with params as (
    select
        cast($run_id as varchar) as run_id,
        cast($as_of as date)     as as_of,
        case cast($period as varchar)
            when 'day' then interval 1 day
            when 'week' then interval 7 day
            else interval 1 month
        end                      as step,
        cast($period as varchar) as period
),

lines as (
    select l.*
    from stg_order_lines as l, params as p
    where l.order_date <= p.as_of
),

bounds as (
    select
        cast(date_trunc(p.period, min(l.order_date)) as date) as first_trunc,
        min(l.order_date)                                     as first_day,
        cast(date_trunc(p.period, p.as_of) as date)           as last_trunc,
        p.as_of,
        p.step
    from lines as l, params as p
    group by p.period, p.as_of, p.step
),

window_ as (
    select
        case when first_day = first_trunc then first_trunc
             else cast(first_trunc + step as date) end                      as first_period,
        case when cast(last_trunc + step - interval 1 day as date) <= as_of then last_trunc
             else cast(last_trunc - step as date) end                       as last_period,
        step
    from bounds
),

per_period as (
    select
        l.sku,
        cast(date_trunc(p.period, l.order_date) as date) as period_start,
        -- summed as exact decimals: a parallel sum of doubles depends on the order rows arrive
        -- in, and a rerun must give the same demand to the last digit
        sum(l.quantity::decimal(38, 6))::double           as qty,
        -- a zero line (a period total without demand) is no request
        count(*) filter (where l.quantity <> 0)            as order_lines,
        sum(l.revenue::decimal(38, 6))::double            as revenue
    from lines as l, params as p
    group by all
),

sku_span as (
    select
        s.sku,
        greatest(min(s.period_start), w.first_period) as first_period,
        w.last_period,
        w.step
    from per_period as s, window_ as w
    group by s.sku, w.first_period, w.last_period, w.step
),

calendar as (
    select
        sku,
        cast(unnest(generate_series(first_period, last_period, step)) as date) as period_start
    from sku_span
    where first_period <= last_period
),

final as (
    select
        p.run_id,
        c.sku,
        c.period_start,
        coalesce(d.qty, 0)         as qty,
        coalesce(d.order_lines, 0) as order_lines,
        coalesce(d.revenue, 0)     as revenue
    from calendar as c
    cross join params as p
    left join per_period as d using (sku, period_start)
)

select * from final;
