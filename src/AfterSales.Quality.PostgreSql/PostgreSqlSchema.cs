using Npgsql;
using NpgsqlTypes;

namespace AfterSales.Quality.PostgreSql;

/// <summary>
/// The PostgreSQL store's schema: numbered migrations recorded in <c>schema_migrations</c> (version,
/// name, applied_at), applied in one transaction under an advisory lock so that nodes starting
/// together migrate one after another. A released migration is never edited: a change is a new one.
/// </summary>
internal static class PostgreSqlSchema
{
    /// <summary>The version the store creates and expects (2: improvement plans; 3: import source hashes; 4: customer data keys; 5: read-model snapshots; 6: dispatch ledger, leases, feed notifications; 7: the feedback number index; 8: the personal data access audit; 9: the customer number blind index and the audit's actor and time indexes).</summary>
    public const int Version = 9;

    /// <summary>The channel appends notify (the payload is the schema name): <c>aftersales_feed</c>.</summary>
    public const string FeedChannel = "aftersales_feed";

    /// <summary>Brings <paramref name="schema"/> to <see cref="Version"/>, creating it when missing; nodes starting together migrate one after another.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="schema">The (validated, quoted-safe) schema name.</param>
    /// <param name="cancellationToken">Cancels the migration before it commits.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    /// <exception cref="InvalidOperationException">The schema was written by a newer version.</exception>
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Nodes starting together migrate one after another.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@name));", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<string>("name", "aftersales-migrate:" + schema));
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var create = new NpgsqlCommand($"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
                version    integer PRIMARY KEY,
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int version;
        await using (var current = new NpgsqlCommand($"SELECT COALESCE(MAX(version), 0) FROM {schema}.schema_migrations;", connection, transaction))
        {
            version = (int)(await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (version > Version)
        {
            throw new InvalidOperationException($"The schema '{schema}' has version {version}; this store knows up to {Version}. Upgrade AfterSales.Quality.PostgreSql.");
        }

        foreach (var (number, name, sql) in Migrations(schema).Where(m => m.Version > version))
        {
            await using var migrate = new NpgsqlCommand(sql + $"\nINSERT INTO {schema}.schema_migrations (version, name) VALUES (@version, @name);", connection, transaction);
            migrate.Parameters.Add(new NpgsqlParameter<int>("version", number));
            migrate.Parameters.Add(new NpgsqlParameter<string>("name", name));
            await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The migrations of one schema, in order; the last one's number is <see cref="Version"/>.</summary>
    /// <param name="schema">The schema name.</param>
    /// <returns>The migrations.</returns>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations(string schema) =>
    [
        (1, "ticket log, feed head, sequences, checkpoints", $"""
            CREATE TABLE {schema}.events (
                position    bigint      PRIMARY KEY,
                ticket_id   uuid        NOT NULL,
                version     bigint      NOT NULL,
                type        text        NOT NULL,
                data        jsonb       NOT NULL,
                occurred_at timestamptz NOT NULL,
                command_id  uuid        NOT NULL,
                CONSTRAINT events_stream_version UNIQUE (ticket_id, version)
            );
            CREATE TABLE {schema}.feed_head (
                id       integer PRIMARY KEY CHECK (id = 1),
                position bigint  NOT NULL
            );
            INSERT INTO {schema}.feed_head (id, position) VALUES (1, 0);
            CREATE TABLE {schema}.sequences (
                key   text   PRIMARY KEY,
                value bigint NOT NULL
            );
            CREATE TABLE {schema}.checkpoints (
                projection text   PRIMARY KEY,
                position   bigint NOT NULL
            );
            """),
        (2, "improvement plans", $"""
            CREATE TABLE {schema}.improvement_plans (
                id      uuid   PRIMARY KEY,
                version bigint NOT NULL,
                data    jsonb  NOT NULL
            );
            """),
        (3, "import source hashes", $"""
            CREATE TABLE {schema}.import_source_hashes (
                source    text NOT NULL,
                ticket_id uuid NOT NULL,
                hash      text NOT NULL,
                PRIMARY KEY (source, ticket_id)
            );
            """),
        (4, "customer data keys and erasure requests", $"""
            CREATE TABLE {schema}.customer_keys (
                ticket_id            uuid        PRIMARY KEY,
                data_key_id          text        NOT NULL,
                wrapped_key          text,
                stage                integer     NOT NULL,
                erasure_command_id   uuid,
                erasure_actor        text,
                erasure_reason       text,
                erasure_requested_at timestamptz
            );
            CREATE INDEX customer_keys_pending ON {schema}.customer_keys (stage) WHERE stage IN (1, 2);
            """),
        (5, "read-model snapshots", $"""
            CREATE TABLE {schema}.snapshots (
                name       text        PRIMARY KEY,
                data       bytea       NOT NULL,
                written_at timestamptz NOT NULL DEFAULT now()
            );
            """),
        (6, "dispatch ledger, leases, feed notifications", $"""
            CREATE TABLE {schema}.dispatched (
                id         text        PRIMARY KEY,
                handled_at timestamptz NOT NULL
            );
            CREATE TABLE {schema}.leases (
                name       text        PRIMARY KEY,
                holder     text        NOT NULL,
                token      bigint      NOT NULL,
                expires_at timestamptz NOT NULL
            );
            CREATE FUNCTION {schema}.notify_feed_append() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('{FeedChannel}', TG_TABLE_SCHEMA);
                RETURN NULL;
            END
            $$;
            CREATE TRIGGER events_notify_feed_append AFTER INSERT ON {schema}.events
                FOR EACH STATEMENT EXECUTE FUNCTION {schema}.notify_feed_append();
            """),
        (7, "feedback number index", $"""
            CREATE INDEX IF NOT EXISTS events_feedback_number ON {schema}.events ((data->>'feedbackNumber')) WHERE type = 'ticket-registered';
            """),
        (8, "personal data access audit", $"""
            CREATE TABLE {schema}.personal_data_access (
                seq       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                access_id uuid        NOT NULL,
                at        timestamptz NOT NULL,
                actor     text        NOT NULL,
                purpose   text        NOT NULL,
                kind      text        NOT NULL,
                decision  text        NOT NULL,
                ticket_id uuid
            );
            CREATE INDEX personal_data_access_ticket ON {schema}.personal_data_access (ticket_id, seq);
            """),
        (9, "customer number blind index and audit paging", $"""
            CREATE TABLE {schema}.customer_index_key (
                id          integer PRIMARY KEY CHECK (id = 1),
                key_id      text    NOT NULL,
                wrapped_key text    NOT NULL
            );
            CREATE TABLE {schema}.customer_numbers (
                ticket_id   uuid PRIMARY KEY,
                number_hash text NOT NULL
            );
            CREATE INDEX customer_numbers_hash ON {schema}.customer_numbers (number_hash);
            CREATE TABLE {schema}.customer_numbers_backfill (
                id              integer PRIMARY KEY CHECK (id = 1),
                missing_after   bigint  NOT NULL,
                missing_through bigint  NOT NULL
            );
            INSERT INTO {schema}.customer_numbers_backfill (id, missing_after, missing_through)
                SELECT 1, 0, COALESCE(MAX(position), 0) FROM {schema}.events WHERE type = 'ticket-registered';
            CREATE INDEX personal_data_access_actor ON {schema}.personal_data_access (actor, seq);
            CREATE INDEX personal_data_access_at ON {schema}.personal_data_access (at);
            """),
    ];
}
