#if !NET10_0_OR_GREATER
namespace AfterSales.Quality.Tests;

/// <summary>System.Linq.AsyncEnumerable's ToListAsync (.NET 10) for the tests' net8.0 build.</summary>
internal static class AsyncEnumerableNet8
{
    public static async ValueTask<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source, CancellationToken cancellationToken = default)
    {
        var list = new List<T>();
        await foreach (var item in source.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            list.Add(item);
        }

        return list;
    }
}
#endif
