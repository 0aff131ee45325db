using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AksRunCommand.Tests.Infrastructure;

/// <summary>
/// A minimal HTTP/1.1 server on loopback for what WireMock cannot do: reset a connection. Each connection
/// takes the next scripted action; a reply closes the connection after it.
/// </summary>
public sealed class RawHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentQueue<string?> _actions = new();
    private readonly CancellationTokenSource _stop = new();
    private int _requests;

    public RawHttpServer()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The next connection is reset (RST) after its request arrives.</summary>
    public RawHttpServer ThenReset()
    {
        _actions.Enqueue(null);
        return this;
    }

    /// <summary>The next connection gets this reply.</summary>
    public RawHttpServer ThenReply(int status, string body = "", params string[] headers)
    {
        var text = new StringBuilder($"HTTP/1.1 {status} X\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n");
        foreach (var header in headers)
        {
            text.Append(header).Append("\r\n");
        }

        _actions.Enqueue(text.Append("\r\n").Append(body).ToString());
        return this;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            await ReadRequestAsync(socket);
            Interlocked.Increment(ref _requests);
            _actions.TryDequeue(out var reply);
            if (reply is null)
            {
                socket.LingerState = new LingerOption(true, 0); // close with RST
                return;
            }

            await socket.SendAsync(Encoding.UTF8.GetBytes(reply));
            socket.Shutdown(SocketShutdown.Both);
        }
    }

    private static async Task ReadRequestAsync(Socket socket)
    {
        var buffer = new byte[65536];
        var received = new StringBuilder();
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer);
            if (n == 0)
            {
                return;
            }

            received.Append(Encoding.UTF8.GetString(buffer, 0, n));
            var text = received.ToString();
            var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headerEnd < 0)
            {
                continue;
            }

            var lengthLine = text[..headerEnd].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            var length = lengthLine is null ? 0 : int.Parse(lengthLine.Split(':')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            if (Encoding.UTF8.GetByteCount(text[(headerEnd + 4)..]) >= length)
            {
                return;
            }
        }
    }
}
