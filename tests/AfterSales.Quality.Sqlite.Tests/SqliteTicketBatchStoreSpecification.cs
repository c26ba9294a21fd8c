using AfterSales.Quality.Storage.Specification;
using Microsoft.Data.Sqlite;

namespace AfterSales.Quality.Sqlite.Tests;

/// <summary>The SQLite store, in a file, runs the whole batch-append contract.</summary>
public sealed class SqliteFileBatchStoreSpecification : TicketBatchStoreSpecification<SqliteTicketStore>, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-sqlite-batch-").FullName;

    protected override Task<SqliteTicketStore> CreateStoreAsync() =>
        Task.FromResult(new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = Path.Combine(directory, $"{Guid.NewGuid():N}.db"), AllowPlaintextPersonalData = true }));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}

/// <summary>The SQLite store, in memory, runs the whole batch-append contract.</summary>
public sealed class SqliteMemoryBatchStoreSpecification : TicketBatchStoreSpecification<SqliteTicketStore>
{
    protected override Task<SqliteTicketStore> CreateStoreAsync() =>
        Task.FromResult(new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = ":memory:" }));
}
