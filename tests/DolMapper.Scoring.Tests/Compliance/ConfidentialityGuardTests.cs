using DolMapper.Scoring.Compliance;
using Xunit.Abstractions;

namespace DolMapper.Scoring.Tests.Compliance;

/// <summary>The confidentiality guard on its corpus (docs/compliance.md): the rows the rules were written on, and rows written apart.</summary>
public sealed class ConfidentialityGuardTests(ITestOutputHelper output)
{
    private static IReadOnlyList<(bool Case, string Text)> Corpus(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "ConfidentialityCorpus", file);
        return [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => l.Split('\t', 2)).Select(p => (p[0] == "case", p[1]))];
    }

    private (double Precision, double Recall) Measure(string file)
    {
        var rows = Corpus(file);
        int tp = 0, fp = 0, fn = 0;
        foreach (var (isCase, text) in rows)
        {
            var flagged = ConfidentialityGuard.Check(text).Flagged;
            if (flagged && isCase) tp++;
            else if (flagged) { fp++; output.WriteLine($"false flag: {text}"); }
            else if (isCase) { fn++; output.WriteLine($"missed: {text}"); }
        }
        var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        var recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        output.WriteLine($"{file}: {rows.Count} rows, precision {precision:F2}, recall {recall:F2}");
        return (precision, recall);
    }

    [Fact]
    public void On_the_rows_it_was_written_on_it_flags_every_case_and_nothing_else()
    {
        var (precision, recall) = Measure("dev.tsv");
        Assert.Equal(1.0, precision);
        Assert.Equal(1.0, recall);
    }

    /// <summary>
    /// Rows written after the rules and measured once (docs/compliance.md has the figures and the
    /// misses); the floors catch a regression. Write a new file of rows before reading these again.
    /// </summary>
    [Fact]
    public void On_rows_written_apart_it_finds_most_cases_and_rarely_flags_anything_else()
    {
        var (precision, recall) = Measure("heldout.tsv");
        Assert.True(precision >= 0.85, $"precision {precision:F2}");
        Assert.True(recall >= 0.7, $"recall {recall:F2}");
    }

    [Fact]
    public void Each_flag_says_why_and_masking_takes_the_age_and_the_when_and_where()
    {
        var finding = ConfidentialityGuard.Check("My patient, a 34-year-old woman from Leeds, was diagnosed with lupus yesterday.");
        Assert.True(finding.Flagged);
        Assert.Equal([ConfidentialityGuard.AgeWithSex, ConfidentialityGuard.OwnPatient], finding.Reasons);
        var masked = ConfidentialityGuard.Mask("My patient, a 34-year-old woman from Leeds, was diagnosed with lupus yesterday.");
        Assert.DoesNotContain("34", masked);
        Assert.DoesNotContain("Leeds", masked);
        Assert.DoesNotContain("yesterday", masked);
        Assert.Contains("lupus", masked);
        Assert.False(ConfidentialityGuard.Check("I always tell my patients to bring their medicines.").Flagged);
        Assert.False(ConfidentialityGuard.Check(null).Flagged);
    }
}
