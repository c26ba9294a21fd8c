using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace AfterSales.Quality.DependencyInjection;

/// <summary>The store retry of <see cref="AfterSalesQualityBuilder.UseStoreRetry"/>: a Polly v8 resilience pipeline around each command and read.</summary>
internal sealed partial class PollyCommandRetry(ResiliencePipeline pipeline) : ICommandRetryStrategy
{
    public ValueTask<TResult> ExecuteAsync<TResult>(Func<CancellationToken, ValueTask<TResult>> attempt, CancellationToken cancellationToken) =>
        pipeline.ExecuteAsync(static (state, token) => state(token), attempt, cancellationToken);

    /// <summary>The defaults: three retries of a transient <see cref="TicketStoreUnavailableException"/>, 200 ms apart and growing (exponential, jittered), each logged.</summary>
    internal static RetryStrategyOptions Defaults(ILogger logger) => new()
    {
        ShouldHandle = new PredicateBuilder().Handle<TicketStoreUnavailableException>(e => e.IsTransient),
        MaxRetryAttempts = 3,
        Delay = TimeSpan.FromMilliseconds(200),
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        OnRetry = args =>
        {
            StoreRetrying(logger, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.Message ?? "");
            return default;
        },
    };

    internal static ICommandRetryStrategy Create(IServiceProvider services, Action<RetryStrategyOptions>? configure)
    {
        var logger = (ILogger?)services.GetService<ILogger<TicketService>>() ?? NullLogger.Instance;
        var options = Defaults(logger);
        configure?.Invoke(options);
        return new PollyCommandRetry(new ResiliencePipelineBuilder().AddRetry(options).Build());
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "The ticket store was unavailable; retry {Attempt} in {Delay} with the same command id: {Reason}")]
    private static partial void StoreRetrying(ILogger logger, int attempt, TimeSpan delay, string reason);
}

/// <summary>Registers the store retry.</summary>
internal static class StoreRetryRegistration
{
    internal static void Register(IServiceCollection services, Action<RetryStrategyOptions>? configure)
    {
        services.RemoveAll<ICommandRetryStrategy>();
        services.AddSingleton(sp => PollyCommandRetry.Create(sp, configure));
    }
}
