-- Run history: one row per nightly run; results of a run count only once it is 'completed'.
create table if not exists runs (
    run_id       varchar primary key,
    flow_run_id  varchar,
    started_at   timestamp not null,
    ended_at     timestamp,
    status       varchar not null,   -- running | completed | failed | abandoned | unload (a `jitjic unload`)
    as_of        date,               -- last day of history the run used
    parameters   varchar,            -- the validated settings, JSON
    counts       varchar,            -- rows per stage, JSON
    failed_stage varchar,
    error        varchar,
    report_status varchar,           -- pending (published, report not written yet) | written | failed
    stock_load_id bigint,            -- the newest load among the stock counts the run's proposal used (see load_log)
    stock_date    date,              -- the newest of those counts' snapshot dates
    mail_status   varchar            -- sent | withheld (same stock as a list mailed before) | failed | disabled
);
-- working databases created before report folders were tracked
alter table runs add column if not exists report_status varchar;
-- working databases created before the stock a run used was recorded
alter table runs add column if not exists stock_load_id bigint;
alter table runs add column if not exists stock_date date;
-- working databases created before the mail's outcome was recorded
alter table runs add column if not exists mail_status varchar;

create table if not exists run_stages (
    run_id     varchar not null,
    stage      varchar not null,
    started_at timestamp not null,
    seconds    double not null,
    rows       bigint,
    primary key (run_id, stage)
);
