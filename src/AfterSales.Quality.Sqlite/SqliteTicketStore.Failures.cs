using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;

namespace AfterSales.Quality.Sqlite;

/// <summary>Every store call with SQLite's infrastructure failures translated into <see cref="TicketStoreUnavailableException"/>.</summary>
public sealed partial class SqliteTicketStore
{
    /// <inheritdoc />
    public async ValueTask<TicketStream> ReadStreamAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReadStreamCoreAsync(ticketId, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(ReadStreamAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RecordedEvent>> AppendAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken = default)
    {
        try
        {
            return await AppendCoreAsync(ticketId, expectedVersion, events, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(AppendAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> NextAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            return await NextCoreAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(NextAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> GetCheckpointAsync(string projection, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetCheckpointCoreAsync(projection, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(GetCheckpointAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask SetCheckpointAsync(string projection, long position, CancellationToken cancellationToken = default)
    {
        try
        {
            await SetCheckpointCoreAsync(projection, position, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(SetCheckpointAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask ErasePersonalDataAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        try
        {
            await ErasePersonalDataCoreAsync(ticketId, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(ErasePersonalDataAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<ImprovementPlan?> GetAsync(ImprovementPlanId id, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetCoreAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(GetAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(ImprovementPlan plan, long expectedVersion, CancellationToken cancellationToken = default)
    {
        try
        {
            await SaveCoreAsync(plan, expectedVersion, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(SaveAsync));
        }
    }

    /// <summary>ReadFeedPage, its driver failures translated.</summary>
    private async ValueTask<IReadOnlyList<RecordedEvent>> ReadFeedPageAsync(long after, int limit, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadFeedPageCoreAsync(after, limit, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(ReadFeedAsync));
        }
    }

    /// <summary>ReadPlanPage, its driver failures translated.</summary>
    private async ValueTask<IReadOnlyList<(string Id, string Data)>> ReadPlanPageAsync(string after, int limit, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadPlanPageCoreAsync(after, limit, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(ListAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RecordedEvent>> AppendBatchAsync(IReadOnlyList<TicketAppend> appends, CancellationToken cancellationToken = default)
    {
        try
        {
            return await AppendBatchCoreAsync(appends, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(AppendBatchAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<TicketStream>> ReadStreamsAsync(IReadOnlyList<TicketId> ticketIds, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReadStreamsCoreAsync(ticketIds, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(ReadStreamsAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<TicketId, string>> ReadSourceHashesAsync(string source, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReadSourceHashesCoreAsync(source, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(ReadSourceHashesAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<TicketId>?> FindByCustomerNumberAsync(string customerNumber, CancellationToken cancellationToken = default)
    {
        try
        {
            return await FindByCustomerNumberCoreAsync(customerNumber, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(FindByCustomerNumberAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<TicketId?> FindByFeedbackNumberAsync(string feedbackNumber, CancellationToken cancellationToken = default)
    {
        try
        {
            return await FindByFeedbackNumberCoreAsync(feedbackNumber, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(FindByFeedbackNumberAsync));
        }
    }
}
