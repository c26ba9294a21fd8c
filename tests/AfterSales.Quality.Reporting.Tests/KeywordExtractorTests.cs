namespace AfterSales.Quality.Reporting.Tests;

public sealed class KeywordExtractorTests
{
    // The guides' example rows (guide 003, tables 1 and 4; guide 004), in simplified characters.
    [Theory]
    [InlineData("手机充电1小时仅充入20%,怀疑电池故障", new[] { "手机", "充电", "怀疑", "电池", "故障" })]
    [InlineData("充电1小时仅到20%", new[] { "充电" })]
    [InlineData("上门服务回访", new[] { "上门", "回访" })]
    [InlineData("安装师傅未穿工服,且未主动讲解使用注意事项", new[] { "安装", "师傅", "主动", "讲解", "使用", "注意", "事项" })]
    [InlineData("处理速度快,工程师很专业", new[] { "速度", "工程师", "专业" })]
    [InlineData("希望后续安装时能提供纸质使用指南", new[] { "后续", "安装", "提供", "纸质", "使用", "指南" })]
    public void Chinese_text_is_segmented_into_words_without_function_or_service_words(string text, string[] expected) =>
        Assert.Equal(expected, KeywordExtractor.Terms(text).ToArray());

    [Fact]
    public void No_bigram_fragments_survive()
    {
        var terms = KeywordExtractor.Terms("上门服务回访，工程师很专业，安装师傅很准时").ToArray();
        Assert.DoesNotContain("门服", terms);
        Assert.DoesNotContain("服回", terms);
        Assert.DoesNotContain("程师", terms);
        Assert.Contains("工程师", terms);
        Assert.Contains("上门", terms);
        Assert.Empty(KeywordExtractor.Terms("电"));
    }

    [Fact]
    public void Latin_words_are_lower_cased_without_stop_words_short_words_or_numbers()
    {
        Assert.Equal(["battery", "drains", "fast", "charging", "slow"], KeywordExtractor.Terms("Battery drains FAST and charging is slow!").ToArray());
        Assert.Equal(["model"], KeywordExtractor.Terms("model X2 B17 2024 ok").ToArray());
        Assert.Equal(["battery"], KeywordExtractor.Terms("ｂａｔｔｅｒｙ").ToArray()); // full-width letters normalised
        Assert.Equal(["phone", "电池"], KeywordExtractor.Terms("phone电池坏了").ToArray());
        Assert.Empty(KeywordExtractor.Terms("Customer reports a problem with the service"));
        Assert.Empty(KeywordExtractor.Terms(null));
        Assert.Empty(KeywordExtractor.Terms("   "));
    }

    [Fact]
    public void Template_text_is_cut_out_and_stop_words_are_configurable()
    {
        var options = new KeywordOptions { IgnoredText = ["Customer reports a problem with", "请对本次服务评价"], MinimumCount = 1 };
        Assert.Equal(["router"], KeywordExtractor.Terms("customer REPORTS a problem with Router R3", options).ToArray());
        Assert.Equal(["电池", "续航"], KeywordExtractor.Terms("请对本次服务评价：电池续航太短", options).ToArray());
        var texts = Enumerable.Repeat("Customer reports a problem with Washer W7", 50).Append("洗衣机漏水").Append("洗衣机漏水");
        Assert.Equal([new KeywordCount("washer", 50), new KeywordCount("洗衣机", 2), new KeywordCount("漏水", 2)], KeywordExtractor.Extract(texts, options with { MinimumCount = 2 }));
        Assert.Equal(["battery"], KeywordExtractor.Terms("battery slow", new KeywordOptions { StopWords = ["SLOW"] }).ToArray());
        var error = Assert.Throws<QualityValidationException>(() => KeywordExtractor.Extract([], new KeywordOptions { Top = 0, IgnoredText = [" "] }));
        Assert.Contains(error.Errors, e => e.Field == "Top");
        Assert.Contains(error.Errors, e => e.Field == "IgnoredText");
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
