using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Kiota.Serialization.Json;

namespace AksRunCommand.Http;

// How request bodies are written: JSON whose strings are escaped only where JSON requires it, so a base64
// context goes out as it is (the default encoder writes each '+' as \u002B, about 8 % more bytes) and the size
// measured before sending is the size sent. Bodies are API payloads, never embedded in HTML.
internal static class ArmJson
{
    public static JsonSerializationWriterFactory WriterFactory { get; } = new(new KiotaJsonSerializationContext(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }));
}
