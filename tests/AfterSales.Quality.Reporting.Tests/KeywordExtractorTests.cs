namespace AfterSales.Quality.Reporting.Tests;

public sealed class KeywordExtractorTests
{
    [Fact]
    public void Chinese_text_is_split_into_overlapping_two_character_terms_without_function_characters()
    {
        Assert.Equal(["电池"], KeywordExtractor.Terms("电池").ToArray());
        Assert.Empty(KeywordExtractor.Terms("电"));
        // 很 is a function character: 电很 and 很慢 are dropped.
        Assert.Equal(["电池", "池续", "续航", "航太", "太短", "充电"], KeywordExtractor.Terms("电池续航太短，充电很慢").ToArray());
        Assert.Equal(["安装", "装师", "师傅"], KeywordExtractor.Terms("安装师傅").ToArray());
    }

    [Fact]
    public void Latin_words_are_lower_cased_without_stop_words_short_words_or_numbers()
    {
        Assert.Equal(["battery", "drains", "fast", "charging", "slow"], KeywordExtractor.Terms("Battery drains FAST and charging is slow!").ToArray());
        Assert.Equal(["model"], KeywordExtractor.Terms("model X2 B17 2024 ok").ToArray());
        Assert.Equal(["battery"], KeywordExtractor.Terms("ｂａｔｔｅｒｙ").ToArray()); // full-width letters normalised
        Assert.Equal(["phone", "电池", "池坏"], KeywordExtractor.Terms("phone电池坏了").ToArray());
        Assert.Empty(KeywordExtractor.Terms(null));
        Assert.Empty(KeywordExtractor.Terms("   "));
    }

    [Fact]
    public void Extract_ranks_by_count_then_ordinal_and_applies_the_minimum()
    {
        var keywords = KeywordExtractor.Extract(["电池充电慢", "电池坏了", "battery dead", "Battery slow", "电池", null], top: 3, minimumCount: 2);
        Assert.Equal([new KeywordCount("电池", 3), new KeywordCount("battery", 2)], keywords);
        Assert.Equal("top", Assert.Throws<ArgumentException>(() => KeywordExtractor.Extract([], top: 0)).ParamName);
        Assert.Equal("minimumCount", Assert.Throws<ArgumentException>(() => KeywordExtractor.Extract([], minimumCount: 0)).ParamName);
        Assert.Throws<ArgumentNullException>(() => KeywordExtractor.Extract(null!));
    }

    [Theory]
    [InlineData("call me on 13912345678 please", "call me on [redacted] please")]
    [InlineData("电话 139-1234-5678", "电话 [redacted]")]
    [InlineData("+86 139 1234 5678 or zhang.san@example.com", "[redacted] or [redacted]")]
    [InlineData("order 2024 model X2, 3 times", "order 2024 model X2, 3 times")]
    [InlineData(null, null)]
    public void Redaction_removes_phone_numbers_and_emails_and_keeps_short_numbers(string? text, string? expected) =>
        Assert.Equal(expected, TextRedaction.Redact(text));
}
