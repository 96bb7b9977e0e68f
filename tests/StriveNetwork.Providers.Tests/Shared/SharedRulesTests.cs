using System.Text;
using System.Text.Json;
using StriveNetwork.Providers.Postgres;
using StriveNetwork.Providers.Sqlite;

namespace StriveNetwork.Providers.Tests.Shared;

/// <summary>The pieces both providers share: ETag text, the JSON serializer, the schema scripts.</summary>
public sealed class SharedRulesTests
{
    [Theory]
    [InlineData("1", 1L)]
    [InlineData("42", 42L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("0", null)]
    [InlineData("-1", null)]
    [InlineData("01", null)]
    [InlineData("+1", null)]
    [InlineData(" 1", null)]
    [InlineData("1 ", null)]
    [InlineData("1.0", null)]
    [InlineData("*", null)]
    [InlineData("9223372036854775808", null)]
    [InlineData("١", null)]
    public void VersionETag_OnlyTheCanonicalTextOfAPositiveIntegerNamesAVersion(string? etag, long? expected)
    {
        Assert.Equal(expected, VersionETag.Parse(etag));
    }

    [Fact]
    public void StateJsonSerializer_WritesWebJsonAndReadsAnyCase()
    {
        var serializer = StateJsonSerializer.Default;

        var json = serializer.Serialize(new Doc { Count = 2, Name = "n" }).ToString();
        var read = serializer.Deserialize<Doc>(BinaryData.FromString("""{"COUNT":5,"name":"x"}"""));

        Assert.Equal("""{"count":2,"name":"n","tags":[],"scores":{}}""", json);
        Assert.Equal(5, read.Count);
        Assert.Equal("x", read.Name);
        Assert.True(serializer.Options.IsReadOnly);
        Assert.NotSame(StateJson.CreateOptions(), StateJson.CreateOptions());
        Assert.Equal(JsonNamingPolicy.CamelCase, StateJson.CreateOptions().PropertyNamingPolicy);
    }

    [Fact]
    public void SchemaScripts_AreNumberedWithoutGaps_TheSameInBothProvidersUpToTheClusterOnlyOnes()
    {
        var sqlite = SchemaScript.Load(typeof(SqliteGrainStorage).Assembly);
        var postgres = SchemaScript.Load(typeof(PostgresGrainStorage).Assembly);

        Assert.Equal(["1:initial", "2:reminders"], sqlite.Select(s => $"{s.Version}:{s.Name}"));
        // PostgreSQL adds the cluster membership table, which the one-machine SQLite store has no use for, and turns its
        // jsonb payload column into lz4-compressed text (SQLite always stored text).
        Assert.Equal(["1:initial", "2:reminders", "3:membership", "4:payload_text"], postgres.Select(s => $"{s.Version}:{s.Name}"));
        // Neither creates the old stream log tables any more.
        Assert.All(sqlite.Concat(postgres), s => Assert.DoesNotContain("stream_", s.Sql, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("{} {}")]
    [InlineData("{\"a\": [1, 2}")]
    public void ValidateJson_RefusesWhatIsNotOneJsonValue_WithoutQuotingIt(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => StorageArguments.ValidateJson(Encoding.UTF8.GetBytes(text), "state"));
        Assert.StartsWith("The grain storage serializer did not produce JSON", error.Message, StringComparison.Ordinal);
        Assert.Equal("state", error.ParamName);
        if (text.Length > 2)
        {
            Assert.DoesNotContain(text, error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("{\"name\": \"a\\u0000b\"}")]
    [InlineData("{\"a\\u0000\": 1}")]
    [InlineData("[[\"\\u0000\"]]")]
    public void ValidateJson_RefusesAnEscapedNulInAStringOrName(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => StorageArguments.ValidateJson(Encoding.UTF8.GetBytes(text), "state"));
        Assert.Contains("U+0000", error.Message, StringComparison.Ordinal);

        // Output of the built-in serializer skips the syntax pass, never the NUL check.
        error = Assert.Throws<ArgumentException>(() => StorageArguments.ValidateJson(Encoding.UTF8.GetBytes(text), "state", syntaxKnownValid: true));
        Assert.Contains("U+0000", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"name\": \"\\\\u0000 is only text\", \"list\": [1, true, null, {\"é\": \"\\u00e9\"}]}")]
    [InlineData("42")]
    public void ValidateJson_AcceptsOneJsonValue(string text) => StorageArguments.ValidateJson(Encoding.UTF8.GetBytes(text), "state");

    [Fact]
    public void GrainStateKey_UsesTheGrainTypeAndTheKeyText()
    {
        var key = GrainStateKey.From("state", GrainId.Create("partnership", "p-1"));

        Assert.Equal(new GrainStateKey("partnership", "p-1", "state"), key);
        Assert.Equal("partnership/p-1/state", key.ToString());
    }
}
