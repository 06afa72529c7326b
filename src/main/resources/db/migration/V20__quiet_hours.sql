-- Issue 31, point 2: quiet hours. Within them students get no email (nor, in their browser, a toast or a system
-- notification) for staff messages; the messages are stored and shown as usual, the notifications wait for the end.
alter table school_settings
  add column quiet_hours_enabled boolean not null default false,
  add column quiet_start         time    not null default '21:00',
  add column quiet_end           time    not null default '07:00',
  add column quiet_weekends      boolean not null default false,
  add column time_zone           text    not null default 'UTC';

-- Whether `at` falls in the school's quiet hours, in its time zone: from quiet_start to quiet_end (past midnight when
-- the end is earlier than the start), and all of Saturday and Sunday when quiet_weekends.
create function school_quiet_at(at timestamptz) returns boolean language sql stable as $$
  select s.quiet_hours_enabled and (
           (s.quiet_weekends and extract(isodow from (at at time zone s.time_zone)) in (6, 7))
           or case when s.quiet_start <= s.quiet_end
                   then (at at time zone s.time_zone)::time >= s.quiet_start
                        and (at at time zone s.time_zone)::time < s.quiet_end
                   else (at at time zone s.time_zone)::time >= s.quiet_start
                        or (at at time zone s.time_zone)::time < s.quiet_end end)
    from school_settings s where s.id = 1
$$;
