using AfterSales.Quality.Kpi;
using FsCheck;
using FsCheck.Xunit;

namespace AfterSales.Quality.Tests.Kpi;

/// <summary>The fact table grown in chunks: the same rows, chunks and query results whatever way it was filled.</summary>
public sealed class FactTableTests
{
    [Property(MaxTest = 10)]
    public void Added_one_by_one_in_bulk_or_presized_the_table_holds_the_same_rows_and_answers_the_same(PositiveInt seed, bool bulk, bool presized)
    {
        var random = new Random(seed.Get);
        var count = random.Next(4) switch { 0 => random.Next(0, 40), 1 => random.Next(60_000, 70_000), _ => random.Next(130_000, 200_000) };
        var facts = KpiEngineTests.RandomFacts(seed.Get, count);
        var table = new FactTable(presized ? count : random.Next(0, 2_000));
        if (bulk)
        {
            for (var at = 0; at < count;)
            {
                var batch = Math.Min(count - at, random.Next(1, 90_000));
                table.AddRange(facts.AsSpan(at, batch));
                at += batch;
            }
        }
        else
        {
            foreach (var fact in facts)
            {
                table.Add(fact);
            }
        }

        Assert.Equal(count, table.Count);
        Assert.True(table.Facts.SequenceEqual(facts));
        Assert.Equal(facts, Enumerable.Range(0, table.ChunkCount).SelectMany(i => table.GetChunk(i).ToArray()));
        Assert.All(Enumerable.Range(0, table.ChunkCount - 1), i => Assert.Equal(FactTable.ChunkSize, table.GetChunk(i).Length));
        Assert.Equal(facts[count / 2], count == 0 ? facts.ElementAtOrDefault(0) : table[count / 2]);

        // No doubling slack: beyond one chunk, at most one partly filled chunk; within one, the first chunk at most doubled.
        Assert.True(table.Capacity - count < Math.Max(FactTable.ChunkSize, 2 * (long)count) || table.Capacity <= 2_000, $"{table.Capacity} for {count}");
        if (count > FactTable.ChunkSize && !presized)
        {
            Assert.True(table.Capacity - count < FactTable.ChunkSize);
        }

        // Queries over chunks equal a query over one contiguous chunk-sized table of the same facts (partitions cut across chunks).
        var query = new KpiQuery { GroupBy = FactDimension.Team, Period = KpiPeriod.Month, Percentiles = DurationMeasures.All };
        var contiguous = KpiEngineTests.Table(facts);
        foreach (var dense in new[] { 1 << 21, 0 })
        {
            var expected = KpiEngine.Aggregate(contiguous, query, 1, dense).Select(g => (g.Key, g.Values));
            Assert.Equal(expected, KpiEngine.Aggregate(table, query, 3, dense).Select(g => (g.Key, g.Values)));
        }
    }

    [Fact]
    public void Set_replaces_a_row_in_any_chunk_and_refuses_rows_outside_the_table()
    {
        var facts = KpiEngineTests.RandomFacts(4, FactTable.ChunkSize + 10);
        var table = new FactTable(16);
        table.AddRange(facts);
        var replacement = facts[0] with { Team = 9 };
        table.Set(FactTable.ChunkSize + 3, replacement);
        Assert.Equal(replacement, table[FactTable.ChunkSize + 3]);
        Assert.Equal(2, table.ChunkCount);
        Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => table.Set(table.Count, replacement)).ParamName);
        Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => table[-1]).ParamName);
        Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => table.GetChunk(2).Length).ParamName);
        Assert.Equal("capacity", Assert.Throws<ArgumentOutOfRangeException>(() => new FactTable(-1)).ParamName);
        Assert.Equal(0, new FactTable().ChunkCount);
    }
}
