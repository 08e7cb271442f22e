-- Ballast's schema for Orleans' ADO.NET providers on PostgreSQL, part 2: cluster membership.
--
-- Written for Ballast to the contract of Microsoft.Orleans.Clustering.AdoNet 10.4.2 (README.md beside this file): the
-- table and column names, the ten query keys the provider looks up, their parameter names and the columns it reads
-- back. Status values are Orleans' SiloStatus: 3 Active, 6 Dead.
--
-- Every change to the membership rows goes through the deployment's version row: a writer passes the version it
-- read, the version row is bumped only from that version, and the member row is written in the same transaction, so
-- two silos that read the same version cannot both write (Orleans re-reads and retries the one that gets 0). The
-- heartbeat (IAmAliveTime) is the exception: each silo owns its own, and writes it without the version.

-- One row per deployment (cluster id): the version all membership writes are conditioned on.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL,
    Timestamp timestamptz(3) NOT NULL DEFAULT now(),
    Version integer NOT NULL DEFAULT 0,

    CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
);

-- One row per silo instance (address, port and generation: a restarted silo is a new instance).
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150) NOT NULL,
    Address varchar(45) NOT NULL,
    Port integer NOT NULL,
    Generation integer NOT NULL,
    SiloName varchar(150) NOT NULL,
    HostName varchar(150) NOT NULL,
    Status integer NOT NULL,
    ProxyPort integer NULL,
    SuspectTimes varchar(8000) NULL,
    StartTime timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,

    CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId
        FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Moves the deployment's version on by one if it is still the version the caller read; whether it did.
CREATE OR REPLACE FUNCTION ballast_orleans_bump_version(arg_deployment varchar, arg_read_version integer)
  RETURNS boolean
  LANGUAGE plpgsql AS
$body$
BEGIN
    UPDATE OrleansMembershipVersionTable AS v
       SET Version = v.Version + 1, Timestamp = now()
     WHERE v.DeploymentId = arg_deployment AND v.Version = arg_read_version;
    RETURN FOUND;
END
$body$;

-- Adds a silo's row if the deployment is still at the version the caller read: 1 if both the version bump and the
-- insert happened, 0 (and neither) otherwise.
CREATE OR REPLACE FUNCTION ballast_orleans_insert_member(
    arg_deployment varchar, arg_address varchar, arg_port integer, arg_generation integer, arg_silo_name varchar, arg_host_name varchar,
    arg_status integer, arg_proxy_port integer, arg_start_time timestamptz, arg_i_am_alive_time timestamptz, arg_read_version integer)
  RETURNS integer
  LANGUAGE plpgsql AS
$body$
BEGIN
    IF NOT ballast_orleans_bump_version(arg_deployment, arg_read_version) THEN
        RETURN 0;
    END IF;
    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    VALUES
        (arg_deployment, arg_address, arg_port, arg_generation, arg_silo_name, arg_host_name, arg_status, arg_proxy_port, arg_start_time, arg_i_am_alive_time);
    RETURN 1;
EXCEPTION
    -- The instance is already there: the block is rolled back, the version bump with it.
    WHEN unique_violation THEN
        RETURN 0;
END
$body$;

-- Changes a silo's status and suspicions if the deployment is still at the version the caller read: 1 if both the
-- version bump and the update happened, 0 (and neither) otherwise.
CREATE OR REPLACE FUNCTION ballast_orleans_update_member(
    arg_deployment varchar, arg_address varchar, arg_port integer, arg_generation integer, arg_status integer, arg_suspect_times varchar,
    arg_i_am_alive_time timestamptz, arg_read_version integer)
  RETURNS integer
  LANGUAGE plpgsql AS
$body$
BEGIN
    IF NOT ballast_orleans_bump_version(arg_deployment, arg_read_version) THEN
        RETURN 0;
    END IF;
    UPDATE OrleansMembershipTable AS m
       SET Status = arg_status, SuspectTimes = arg_suspect_times, IAmAliveTime = arg_i_am_alive_time
     WHERE m.DeploymentId = arg_deployment AND m.Address = arg_address AND m.Port = arg_port AND m.Generation = arg_generation;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no membership row for %:%:%', arg_address, arg_port, arg_generation USING ERRCODE = 'no_data_found';
    END IF;
    RETURN 1;
EXCEPTION
    -- The row is gone: the block is rolled back, the version bump with it.
    WHEN no_data_found THEN
        RETURN 0;
END
$body$;

-- The query texts Orleans runs, by key. An upsert, so that applying the script again brings them up to date.
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
('InsertMembershipVersionKey', $q$
    WITH inserted AS (
        INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId)
        ON CONFLICT (DeploymentId) DO NOTHING
        RETURNING 1)
    SELECT count(*)::integer FROM inserted;
$q$),
('InsertMembershipKey', $q$
    SELECT ballast_orleans_insert_member(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
        @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);
$q$),
('UpdateMembershipKey', $q$
    SELECT ballast_orleans_update_member(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
        @IAmAliveTime, @Version);
$q$),
('UpdateIAmAlivetimeKey', $q$
    UPDATE OrleansMembershipTable
       SET IAmAliveTime = @IAmAliveTime
     WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
$q$),
-- The version row comes back even when the silo has no row yet (the LEFT JOIN), as Orleans expects.
('MembershipReadRowKey', $q$
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
      FROM OrleansMembershipVersionTable AS v
      LEFT JOIN OrleansMembershipTable AS m
        ON m.DeploymentId = v.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
     WHERE v.DeploymentId = @DeploymentId;
$q$),
('MembershipReadAllKey', $q$
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
      FROM OrleansMembershipVersionTable AS v
      LEFT JOIN OrleansMembershipTable AS m ON m.DeploymentId = v.DeploymentId
     WHERE v.DeploymentId = @DeploymentId;
$q$),
('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
    DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$q$),
-- Clients find gateways here: silos with the asked status that listen for clients.
('GatewaysQueryKey', $q$
    SELECT Address, ProxyPort, Generation
      FROM OrleansMembershipTable
     WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
$q$),
-- Removes dead instances whose last heartbeat is older than the cut-off, and only those nobody still suspects.
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM OrleansMembershipTable
     WHERE DeploymentId = @DeploymentId AND Status = 6 AND IAmAliveTime < @IAmAliveTime AND StartTime < @IAmAliveTime
       AND COALESCE(SuspectTimes, '') = '';
$q$),
-- Removes one dead instance, only if its row is still exactly as the caller saw it.
('CleanupDefunctSiloEntryKey', $q$
    DELETE FROM OrleansMembershipTable
     WHERE DeploymentId = @DeploymentId AND Status = 6
       AND Address = @Address AND Port = @Port AND Generation = @Generation
       AND IAmAliveTime = @IAmAliveTime AND StartTime = @StartTime
       AND COALESCE(SuspectTimes, '') = COALESCE(@SuspectTimes, '');
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
