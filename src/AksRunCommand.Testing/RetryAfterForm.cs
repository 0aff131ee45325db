namespace AksRunCommand.Testing;

/// <summary>How a <c>Retry-After</c> is written: each form ARM and Azure services use.</summary>
public enum RetryAfterForm
{
    /// <summary><c>Retry-After: 2</c> (seconds).</summary>
    Seconds,

    /// <summary><c>Retry-After: Sat, 28 Nov 2026 12:00:02 GMT</c>.</summary>
    HttpDate,

    /// <summary><c>retry-after-ms: 2000</c>.</summary>
    RetryAfterMs,

    /// <summary><c>x-ms-retry-after-ms: 2000</c>.</summary>
    XMsRetryAfterMs,
}
