-- Run history: one row per nightly run; results of a run count only once it is 'completed'.
create table if not exists runs (
    run_id       varchar primary key,
    flow_run_id  varchar,
    started_at   timestamp not null,
    ended_at     timestamp,
    status       varchar not null,   -- running | completed | failed
    as_of        date,               -- last day of history the run used
    parameters   varchar,            -- the validated settings, JSON
    counts       varchar,            -- rows per stage, JSON
    failed_stage varchar,
    error        varchar
);

create table if not exists run_stages (
    run_id     varchar not null,
    stage      varchar not null,
    started_at timestamp not null,
    seconds    double not null,
    rows       bigint,
    primary key (run_id, stage)
);
