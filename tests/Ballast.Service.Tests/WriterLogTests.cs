using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;

namespace Ballast.Service.Tests;

/// <summary>
/// The writer's structured logs: one Debug line per batch (commands decided, applied, the sequences journaled), one
/// Information line per refusal naming the command id, command, account, sequence and rejection code, as named fields.
/// </summary>
public sealed class WriterLogTests
{
    [Fact]
    public async Task Batches_AtDebug_Refusals_AtInformation_WithNamedFields()
    {
        var capture = new CapturingProvider();
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false, configure: b =>
        {
            b.Logging.AddProvider(capture);
            b.Logging.AddFilter<CapturingProvider>("Ballast.Service.Writing", LogLevel.Debug);
        });

        using (var refused = await h.PostAsync("eve", "transfer-asset", """{"symbol":"USD","to":"bob","amount":"1"}""", "log-refused"))
        using (var applied = await h.PostAsync("alice", "transfer-asset", """{"symbol":"USD","to":"bob","amount":"1"}""", "log-applied"))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        }

        var refusal = Assert.Single(capture.Entries, e => e.Event == "CommandRefused" && Equals(e.Fields["CommandId"], "log-refused"));
        Assert.Equal(LogLevel.Information, refusal.Level);
        Assert.Equal("transfer-asset", refusal.Fields["Command"]);
        Assert.Equal("eve", refusal.Fields["Account"]);
        Assert.Equal("insufficient-balance", refusal.Fields["Code"]);
        Assert.IsType<long>(refusal.Fields["Sequence"]);

        var head = h.Service.Writer.Head.Sequence;
        var batch = Assert.Single(capture.Entries, e => e.Event == "BatchCommitted" && Equals(e.Fields["Sequence"], head));
        Assert.Equal(LogLevel.Debug, batch.Level);
        Assert.Equal(1, batch.Fields["Applied"]);
        Assert.DoesNotContain(capture.Entries, e => e.Event == "CommandRefused" && Equals(e.Fields["CommandId"], "log-applied"));
    }

    private sealed record Entry(string Category, LogLevel Level, string Event, IReadOnlyDictionary<string, object?> Fields);

    private sealed class CapturingProvider : ILoggerProvider
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, Entries);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [];
            entries.Enqueue(new Entry(category, logLevel, eventId.Name ?? "", fields));
        }
    }
}
