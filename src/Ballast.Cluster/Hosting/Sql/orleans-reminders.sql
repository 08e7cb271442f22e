-- Ballast's schema for Orleans' ADO.NET providers on PostgreSQL, part 3: reminders.
--
-- Written for Ballast to the contract of Microsoft.Orleans.Reminders.AdoNet 10.4.2 (README.md beside this file): the
-- table and column names, the seven query keys the provider looks up, their parameter names and the columns it reads
-- back (GrainId, ReminderName, StartTime, Period as a 64-bit integer of milliseconds, Version). 10.4.2 knows no cron
-- reminders: the table has none of the later upstream columns (CronExpression, NextDueUtc, Priority, ...).
--
-- A reminder row is versioned: every upsert moves Version on by one, and a delete names the version it read, so a
-- silo that read an old row cannot delete a newer one. GrainHash is the grain's uniform hash as a signed integer; a
-- silo reads the rows of its hash range (begin exclusive, end inclusive), which wraps around when begin >= end.

CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId varchar(150) NOT NULL,
    GrainId varchar(150) NOT NULL,
    ReminderName varchar(150) NOT NULL,
    StartTime timestamptz(3) NOT NULL,
    Period bigint NOT NULL,
    GrainHash integer NOT NULL,
    Version integer NOT NULL,

    CONSTRAINT PK_RemindersTable_ServiceId_GrainId_ReminderName PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- The reminder service reads by hash range at every ring change.
CREATE INDEX IF NOT EXISTS IX_RemindersTable_ServiceId_GrainHash ON OrleansRemindersTable (ServiceId, GrainHash);

-- The query texts Orleans runs, by key. An upsert, so that applying the script again brings them up to date.
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
-- Inserts the reminder at version 0 or replaces its schedule and moves its version on; returns the version.
-- Orleans sends Period as a 32-bit integer when it fits, else as a 64-bit one.
('UpsertReminderRowKey', $q$
    INSERT INTO OrleansRemindersTable AS r (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
    VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period::bigint, @GrainHash, 0)
    ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
       SET StartTime = EXCLUDED.StartTime, Period = EXCLUDED.Period, GrainHash = EXCLUDED.GrainHash, Version = r.Version + 1
    RETURNING r.Version AS Version;
$q$),
('ReadReminderRowsKey', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
      FROM OrleansRemindersTable
     WHERE ServiceId = @ServiceId AND GrainId = @GrainId;
$q$),
('ReadReminderRowKey', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
      FROM OrleansRemindersTable
     WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName;
$q$),
-- A range that does not wrap (begin < end, signed).
('ReadRangeRows1Key', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
      FROM OrleansRemindersTable
     WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash;
$q$),
-- A range that wraps around the end of the hash ring.
('ReadRangeRows2Key', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
      FROM OrleansRemindersTable
     WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
$q$),
-- Deletes the reminder only at the version the caller read; whether it did (one boolean column, as Orleans reads it).
('DeleteReminderRowKey', $q$
    WITH deleted AS (
        DELETE FROM OrleansRemindersTable
         WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version
        RETURNING 1)
    SELECT count(*) > 0 FROM deleted;
$q$),
('DeleteReminderRowsKey', $q$
    DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
