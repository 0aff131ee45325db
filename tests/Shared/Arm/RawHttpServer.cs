using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AksRunCommand.Tests.Shared;

/// <summary>
/// A minimal HTTP/1.1 server on loopback for what WireMock cannot do: reset a connection, or answer bytes
/// exactly as written (property tests). Each request takes the next scripted answer for its method (POST and
/// GET have their own queues; <see cref="ThenReply"/> and <see cref="ThenReset"/> feed both), or the fallback
/// once its queue is empty; every reply closes its connection.
/// </summary>
public sealed class RawHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentQueue<string?> _any = new();
    private readonly ConcurrentQueue<string?> _posts = new();
    private readonly ConcurrentQueue<string?> _gets = new();
    private readonly ConcurrentQueue<RawRequest> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private string? _postFallback;
    private string? _getFallback;

    public RawHttpServer()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public int Requests => _requests.Count;

    /// <summary>Every request that arrived, in order: method, path and query, body length.</summary>
    public IReadOnlyList<RawRequest> Log => [.. _requests];

    /// <summary>The next connection is reset (RST) after its request arrives.</summary>
    public RawHttpServer ThenReset()
    {
        _any.Enqueue(null);
        return this;
    }

    /// <summary>The next connection gets this reply.</summary>
    public RawHttpServer ThenReply(int status, string body = "", params string[] headers)
    {
        _any.Enqueue(Reply(status, body, headers));
        return this;
    }

    /// <summary>The next POST gets <paramref name="raw"/> (null: a reset).</summary>
    public RawHttpServer OnPost(string? raw)
    {
        _posts.Enqueue(raw);
        return this;
    }

    /// <summary>The next GET gets <paramref name="raw"/> (null: a reset).</summary>
    public RawHttpServer OnGet(string? raw)
    {
        _gets.Enqueue(raw);
        return this;
    }

    /// <summary>What a request gets once its queue is empty (default: a reset).</summary>
    public RawHttpServer Otherwise(string? raw) => Otherwise(raw, raw);

    /// <summary>What a POST and a GET get once their queue is empty (null: a reset).</summary>
    public RawHttpServer Otherwise(string? post, string? get)
    {
        _postFallback = post;
        _getFallback = get;
        return this;
    }

    /// <summary>An HTTP/1.1 response with a Content-Length body and the given header lines.</summary>
    public static string Reply(int status, string body = "", params string[] headers)
    {
        var text = new StringBuilder($"HTTP/1.1 {status} X\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n");
        foreach (var header in headers)
        {
            text.Append(header).Append("\r\n");
        }

        return text.Append("\r\n").Append(body).ToString();
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
            try
            {
                var request = await ReadRequestAsync(socket);
                if (request is null)
                {
                    return;
                }

                _requests.Enqueue(request);
                var queue = request.Method == "POST" ? _posts : _gets;
                if (!_any.TryDequeue(out var reply) && !queue.TryDequeue(out reply))
                {
                    reply = request.Method == "POST" ? _postFallback : _getFallback;
                }

                if (reply is null)
                {
                    socket.LingerState = new LingerOption(true, 0); // close with RST
                    return;
                }

                await socket.SendAsync(Encoding.UTF8.GetBytes(reply));
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // the client gave up first
            }
        }
    }

    private static async Task<RawRequest?> ReadRequestAsync(Socket socket)
    {
        var buffer = new byte[65536];
        var received = new List<byte>();
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer);
            if (n == 0)
            {
                return null;
            }

            received.AddRange(buffer.AsSpan(0, n));
            var text = Encoding.Latin1.GetString([.. received]);
            var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headerEnd < 0)
            {
                continue;
            }

            var lines = text[..headerEnd].Split("\r\n");
            var lengthLine = lines.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            var length = lengthLine is null ? 0 : int.Parse(lengthLine.Split(':')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            if (received.Count - (headerEnd + 4) >= length)
            {
                var requestLine = lines[0].Split(' ');
                var host = lines.FirstOrDefault(l => l.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))?[5..].Trim();
                return new RawRequest(requestLine[0], requestLine.Length > 1 ? requestLine[1] : string.Empty, host, length);
            }
        }
    }
}

/// <summary>One request a <see cref="RawHttpServer"/> received.</summary>
public sealed record RawRequest(string Method, string PathAndQuery, string? Host, int BodyLength);
