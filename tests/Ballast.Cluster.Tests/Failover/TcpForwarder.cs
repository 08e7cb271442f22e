using System.Net;
using System.Net.Sockets;

namespace Ballast.Cluster.Tests.Failover;

/// <summary>
/// A TCP forwarder on loopback standing in for the network between one silo and PostgreSQL, which a test cuts and
/// heals. While <see cref="Cut"/>, no byte crosses in either direction and new connections are accepted but go
/// nowhere (a silent network: neither end sees an error, and loopback answers TCP keepalives, so neither end notices
/// by itself). <see cref="DropServerSide"/> then ends the server's side of every connection, as the server does when
/// its keepalives to a partitioned client fail: the server releases the sessions (and their locks) while the silo's
/// side stays open and silent (half-open). <see cref="Heal"/> lets bytes cross again; a connection whose server side
/// was dropped is reset on the silo's side, as a real server answers a packet of a connection it forgot.
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly Lock _sync = new();
    private readonly List<Link> _links = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private TaskCompletionSource _open = Opened();

    private TcpForwarder(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>The loopback port the forwarder listens on.</summary>
    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>Starts forwarding from a free loopback port to <paramref name="host"/>:<paramref name="port"/> (an IP address).</summary>
    public static TcpForwarder Start(string host, int port) => new(new IPEndPoint(IPAddress.Parse(host), port));

    /// <summary>Stops every byte in both directions, and holds new connections unconnected, until <see cref="Heal"/>.</summary>
    public void Cut()
    {
        lock (_sync)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Ends the server's side of every connection now (the silo's side stays open and silent while cut).</summary>
    public void DropServerSide()
    {
        lock (_sync)
        {
            foreach (var link in _links)
            {
                link.Dropped = true;
                link.Server?.Dispose();
            }
        }
    }

    /// <summary>Lets bytes cross again; connections whose server side was dropped are reset on the silo's side.</summary>
    public void Heal()
    {
        lock (_sync)
        {
            _open.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_sync)
        {
            _open.TrySetResult();
            foreach (var link in _links)
            {
                link.Client.Dispose();
                link.Server?.Dispose();
            }
        }

        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var link = new Link(client);
            lock (_sync)
            {
                _links.Add(link);
                Accepted++;
            }

            _ = Task.Run(() => RunAsync(link));
        }
    }

    /// <summary>Waits while the forwarder is cut (or until it is disposed).</summary>
    private async Task WaitOpenAsync()
    {
        Task open;
        lock (_sync)
        {
            open = _open.Task;
        }

        await open.WaitAsync(_stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync(Link link)
    {
        try
        {
            await WaitOpenAsync();
            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            lock (_sync)
            {
                link.Server = server;
            }

            if (link.Dropped)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }

            await server.ConnectAsync(_target, _stop.Token);
            await Task.WhenAll(PumpAsync(link, link.Client, server), PumpAsync(link, server, link.Client));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            await CloseAsync(link);
        }
    }

    private async Task PumpAsync(Link link, Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                await WaitOpenAsync();
                if (read == 0 || link.Dropped)
                {
                    break;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        await CloseAsync(link);
    }

    /// <summary>Closes both ends, but not while cut: the silo is to see nothing until the network heals (then a reset).</summary>
    private async Task CloseAsync(Link link)
    {
        await WaitOpenAsync();
        lock (_sync)
        {
            if (link.Closed)
            {
                return;
            }

            link.Closed = true;
            _links.Remove(link);
        }

        link.Client.LingerState = new LingerOption(true, 0);
        link.Client.Dispose();
        link.Server?.Dispose();
    }

    private sealed class Link(Socket client)
    {
        public Socket Client { get; } = client;

        public Socket? Server { get; set; }

        public bool Dropped { get; set; }

        public bool Closed { get; set; }
    }
}
