using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Ballast.Hashing;
using Ballast.Protocol.Journal;

namespace Ballast.Cli.Commands;

/// <summary>Why a service's journal could not be read (not why it failed verification), with the exit code to give.</summary>
internal sealed class RemoteJournalException(string message, int exitCode, Exception? inner = null) : Exception(message, inner)
{
    /// <summary><see cref="Program.JournalBusy"/> when the service could not be reached or answered 5xx (try again later); <see cref="Program.BadInput"/> otherwise.</summary>
    public int ExitCode { get; } = exitCode;
}

/// <summary>
/// A <c>ballast serve</c> journal read from outside, for <c>ballast verify URL</c>: the head the service publishes
/// (<c>GET /api/head</c>) read first, then the events 1..that head streamed from the export
/// (<c>GET /api/journal?from=&amp;to=</c>) a page at a time, so memory holds one page whatever the journal's length.
/// The events are handed to the same verifier as a journal file's; this class only fetches and parses them. It also
/// notes the hash of one event as it passes (<see cref="Watch"/>), to check a head trusted earlier against the chain.
/// </summary>
internal sealed class RemoteJournal : IDisposable
{
    private readonly HttpClient _client;
    private readonly int _pageSize;
    private long _watched;

    /// <summary>A reader of the service at <paramref name="baseAddress"/>, fetching <paramref name="pageSize"/> events per request.</summary>
    public RemoteJournal(Uri baseAddress, int pageSize = 1000, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        _client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _client.BaseAddress = baseAddress;
        _client.Timeout = TimeSpan.FromSeconds(100);
        _pageSize = pageSize;
        Address = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
    }

    /// <summary>The service's address.</summary>
    public Uri Address { get; }

    /// <summary>The head the service published when <see cref="PublishedHeadAsync"/> ran (the events are read up to it).</summary>
    public JournalHead? Published { get; private set; }

    /// <summary>The hash of the watched event, once it has been read.</summary>
    public Sha256Digest? WatchedHash { get; private set; }

    /// <summary>Whether <paramref name="location"/> is an http or https URL (else a journal file or database).</summary>
    public static bool IsUrl(string location, out Uri uri) =>
        Uri.TryCreate(location, UriKind.Absolute, out uri!) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>Notes the hash of event <paramref name="sequence"/> as the events stream by.</summary>
    public void Watch(long sequence) => _watched = sequence;

    /// <summary>Reads the head the service publishes.</summary>
    /// <exception cref="RemoteJournalException">Unreachable, an HTTP error, or not a head.</exception>
    public async Task<JournalHead> PublishedHeadAsync(CancellationToken cancellationToken)
    {
        using var doc = await GetJsonAsync("api/head", cancellationToken).ConfigureAwait(false);
        var root = doc.RootElement;
        var sequence = Long(root, "sequence", "api/head");
        var hashText = String(root, "hash", "api/head");
        if (!Sha256Digest.TryParse(hashText, out var hash))
        {
            throw Malformed("api/head", "hash", $"'{hashText}' is not {Sha256Digest.HexLength} lowercase hexadecimal digits");
        }

        var head = sequence == 0 ? JournalHead.Empty : new JournalHead(sequence, hash);
        Published = head;
        return head;
    }

    /// <summary>
    /// The events 1..<see cref="Published"/> in order, a page per request. An event that is absent, out of order or
    /// whose fields cannot even be read is a <see cref="JournalCorruptedException"/> at its sequence (the verifier
    /// judges the rest: hashes, chain, replay).
    /// </summary>
    public async IAsyncEnumerable<JournalEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var head = Published ?? await PublishedHeadAsync(cancellationToken).ConfigureAwait(false);
        var next = 1L;
        while (next <= head.Sequence)
        {
            var to = Math.Min(head.Sequence, next + _pageSize - 1);
            var page = $"api/journal?from={next.ToString(CultureInfo.InvariantCulture)}&to={to.ToString(CultureInfo.InvariantCulture)}";
            var events = new List<JournalEvent>((int)(to - next + 1));
            using (var doc = await GetJsonAsync(page, cancellationToken).ConfigureAwait(false))
            {
                if (!doc.RootElement.TryGetProperty("events", out var array) || array.ValueKind != JsonValueKind.Array)
                {
                    throw Malformed(page, "events", "expected the export's 'events' array");
                }

                foreach (var item in array.EnumerateArray())
                {
                    var expected = next + events.Count;
                    var e = Event(item, expected, page);
                    events.Add(e);
                }
            }

            if (events.Count != to - next + 1)
            {
                throw new JournalCorruptedException(next + events.Count, $"the export's page {page} holds {events.Count} events, not {to - next + 1}: event {next + events.Count} is missing");
            }

            foreach (var e in events)
            {
                if (e.Sequence == _watched)
                {
                    WatchedHash = e.Hash;
                }

                yield return e;
            }

            next = to + 1;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    private static JournalEvent Event(JsonElement item, long expected, string page)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("sequence", out var s) || !s.TryGetInt64(out var sequence))
        {
            throw new JournalCorruptedException(expected, $"the export ({page}) has an entry without a sequence where event {expected} belongs");
        }

        if (sequence != expected)
        {
            throw new JournalCorruptedException(expected, $"the export ({page}) has event {sequence} where event {expected} belongs (events missing or out of order)");
        }

        string Field(string name) => item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new JournalCorruptedException(sequence, $"the export's event {sequence} has no text member '{name}'");

        Sha256Digest Hash(string name) => Sha256Digest.TryParse(Field(name), out var digest)
            ? digest
            : throw new JournalCorruptedException(sequence, $"the export's event {sequence} has {name} '{Field(name)}', not {Sha256Digest.HexLength} lowercase hexadecimal digits");

        var timeText = Field("time");
        if (!JournalHash.TryParseTime(timeText, out var time))
        {
            throw new JournalCorruptedException(sequence, $"the export's event {sequence} has time '{timeText}', not in the form {JournalHash.TimeFormat}");
        }

        try
        {
            return new JournalEvent(sequence, time, Field("type"), Field("command_id"), Field("payload"), Hash("previous_hash"), Hash("hash"));
        }
        catch (ArgumentException e)
        {
            throw new JournalCorruptedException(sequence, $"the export's event {sequence}: {e.Message}");
        }
    }

    private async Task<JsonDocument> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        var url = new Uri(Address, path);
        HttpResponseMessage response;
        try
        {
            response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new RemoteJournalException($"cannot reach the service at {Address}: {e.Message}", Program.JournalBusy, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RemoteJournalException($"the service at {Address} did not answer GET {url.PathAndQuery} within {_client.Timeout.TotalSeconds:0} s", Program.JournalBusy, e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                var transient = status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
                throw new RemoteJournalException(
                    $"GET {url} answered {status} {response.ReasonPhrase}{(response.StatusCode == HttpStatusCode.NotFound ? " (is this a ballast serve address?)" : "")}",
                    transient ? Program.JournalBusy : Program.BadInput);
            }

            try
            {
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
            }
            catch (JsonException e)
            {
                throw new RemoteJournalException($"GET {url} did not answer JSON: {e.Message}", Program.BadInput, e);
            }
            catch (HttpRequestException e)
            {
                throw new RemoteJournalException($"the connection to {Address} broke while reading {url.PathAndQuery}: {e.Message}", Program.JournalBusy, e);
            }
        }
    }

    private static long Long(JsonElement root, string member, string path) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(member, out var v) && v.TryGetInt64(out var n) && n >= 0
            ? n
            : throw Malformed(path, member, "expected a sequence number");

    private static string String(JsonElement root, string member, string path) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(member, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw Malformed(path, member, "expected text");

    private static RemoteJournalException Malformed(string path, string member, string what) =>
        new($"GET {path}: member '{member}': {what} (is this a ballast serve address?)", Program.BadInput);
}
