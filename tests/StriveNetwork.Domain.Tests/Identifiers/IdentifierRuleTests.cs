using FsCheck;
using FsCheck.Fluent;
using StriveNetwork.Domain.Identifiers;

namespace StriveNetwork.Domain.Tests.Identifiers;

public sealed class IdentifierRuleTests
{
    // Characters near the rule's edges: the allowed ones, their neighbours, line ends, and non-ASCII lookalikes.
    private static readonly char[] Alphabet =
        [.. "abcxyz0189-_AZ .\n\r\t\u00e9\u0430\u2010\u0131\u212a\0"];

    [Theory]
    [InlineData("name\n")]
    [InlineData("ab\n")]
    [InlineData("\nab")]
    [InlineData("ab\r\n")]
    [InlineData("a")]
    [InlineData("")]
    [InlineData("1ab")]
    [InlineData("-ab")]
    [InlineData("Ab")]
    [InlineData("a_b")]
    [InlineData("a\u0430")]
    public void Id_RejectsTrailingNewlinesAndEveryOtherShape(string id) => Assert.False(StriveId.IsValid(id));

    [Theory]
    [InlineData("ab")]
    [InlineData("a-")]
    [InlineData("racine-county")]
    [InlineData("a0123456789012345678901234567890123456789012345678901234567890")]
    public void Id_AcceptsTheRule(string id) => Assert.True(StriveId.IsValid(id));

    [Fact]
    public void Id_Of64Characters_IsRejected() => Assert.False(StriveId.IsValid("a" + new string('b', 63)));

    [Theory]
    [InlineData("WI\n")]
    [InlineData("WI\r\n")]
    [InlineData("wi")]
    [InlineData("WIS")]
    [InlineData("W")]
    [InlineData("")]
    public void UsState_RejectsTrailingNewlinesAndOtherShapes(string code) => Assert.False(UsStateCode.IsValid(code));

    [Fact]
    public void UsState_AcceptsTwoUpperCaseLetters() => Assert.True(UsStateCode.IsValid("WI"));

    [Theory]
    [InlineData("")]
    [InlineData("id\n")]
    [InlineData("id\r\n")]
    [InlineData("an id")]
    [InlineData("id/1")]
    [InlineData("id,2")]
    [InlineData("\u00e9t\u00e9")]
    [InlineData("a0123456789012345678901234567890123456789012345678901234567890123")]
    public void RequestId_RejectsNewlinesSlashesAndEveryOtherShape(string id) => Assert.False(RequestId.IsValid(id));

    [Theory]
    [InlineData("7")]
    [InlineData("0b7f8f6e-2d1c-4a8b-9e57-3f1c2a9d4b10")]
    [InlineData("nightly-2025-12-01:42")]
    [InlineData("A.b_C:d-E")]
    [InlineData("a012345678901234567890123456789012345678901234567890123456789012")]
    public void RequestId_AcceptsTheRule(string id) => Assert.True(RequestId.IsValid(id));

    [Fact]
    public void RequestId_PartKeys_AreValidKeys_ButNeverValidIds()
    {
        Assert.Equal("upload-7/12", RequestId.Part("upload-7", 12));
        Assert.True(RequestId.IsValidKey(RequestId.Part("upload-7", 0)));
        Assert.False(RequestId.IsValid(RequestId.Part("upload-7", 0)));
        Assert.True(RequestId.IsValidKey("upload-7"));
        Assert.False(RequestId.IsValidKey("upload-7/01"));
        Assert.False(RequestId.IsValidKey("upload-7/1\n"));
        Assert.Throws<ArgumentException>(() => RequestId.Part("not an id", 1));
    }

    [Fact]
    public void RequestId_EqualsAHandWrittenCharacterCheck_ForRandomStrings()
    {
        var strings =
            from length in Gen.Choose(0, 70)
            from chars in Gen.ArrayOf(Gen.Elements([.. "aZ09._:-/ ,\n\r\t\u00e9\u212a\0"]), length)
            select new string(chars);

        Check.QuickThrowOnFailure(Prop.ForAll(Arb.From(strings), text => RequestId.IsValid(text) ==
            (text.Length is >= 1 and <= RequestId.MaxLength && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))));
    }

    [Fact]
    public void Id_EqualsAHandWrittenCharacterCheck_ForRandomStrings()
    {
        var strings =
            from length in Gen.Choose(0, 70)
            from chars in Gen.ArrayOf(Gen.Elements(Alphabet), length)
            select new string(chars);

        Check.QuickThrowOnFailure(Prop.ForAll(Arb.From(strings), text => StriveId.IsValid(text) == ByHand(text)));
    }

    [Fact]
    public void UsState_EqualsAHandWrittenCharacterCheck_ForRandomStrings()
    {
        var strings =
            from length in Gen.Choose(0, 4)
            from chars in Gen.ArrayOf(Gen.Elements([.. "AZWIaz\n\r \u212a\u0130"]), length)
            select new string(chars);

        Check.QuickThrowOnFailure(Prop.ForAll(Arb.From(strings), text =>
            UsStateCode.IsValid(text) == (text.Length == 2 && text.All(c => c is >= 'A' and <= 'Z'))));
    }

    private static bool ByHand(string text)
    {
        if (text.Length is < StriveId.MinLength or > StriveId.MaxLength || text[0] is < 'a' or > 'z')
        {
            return false;
        }

        return text.Skip(1).All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
    }
}
