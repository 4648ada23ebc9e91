using DolMapper.Scoring.Personas;

namespace DolMapper.Scoring.Tests.Personas;

public sealed class PersonaClusteringTests
{
    [Fact]
    public void The_adjusted_rand_index_is_one_for_the_same_partition_under_other_labels_and_near_zero_for_chance()
    {
        int[] a = [0, 0, 0, 1, 1, 1, 2, 2, 2];
        int[] relabelled = [5, 5, 5, 9, 9, 9, 1, 1, 1];
        Assert.Equal(1.0, PersonaClustering.AdjustedRandIndex(a, relabelled), 12);
        // Worked by hand: contingency [[2,1],[1,2]]; index 2, expected 6·6/15 = 2.4, max 6: (2 − 2.4) / (6 − 2.4) = −1/9.
        Assert.Equal(-1.0 / 9, PersonaClustering.AdjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 0]), 12);
        var random = new Random(3);
        var x = Enumerable.Range(0, 5000).Select(_ => random.Next(6)).ToArray();
        var y = Enumerable.Range(0, 5000).Select(_ => random.Next(6)).ToArray();
        Assert.InRange(PersonaClustering.AdjustedRandIndex(x, y), -0.02, 0.02);
    }

    [Fact]
    public void The_silhouette_is_high_for_separated_clusters_and_low_for_an_arbitrary_split()
    {
        double[][] points = [[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10]];
        int[] all = [0, 1, 2, 3, 4, 5];
        Assert.True(PersonaClustering.Silhouette(points, [0, 0, 0, 1, 1, 1], 2, all) > 0.85);
        Assert.True(PersonaClustering.Silhouette(points, [0, 1, 0, 1, 0, 1], 2, all) < 0);
    }

    [Fact]
    public void The_silhouette_follows_its_definition_worked_by_hand_and_one_pass_gives_each_clustering_its_own()
    {
        // On a line: 0, 1 | 4. Point 0: a = 1, b = 4 → 0.75; point 1: a = 1, b = 3 → 2/3; point 4 is alone in its cluster → 0 (left out).
        double[][] line = [[0], [1], [4]];
        int[] every = [0, 1, 2];
        Assert.Equal((0.75 + 2.0 / 3) / 2, PersonaClustering.Silhouette(line, [0, 0, 1], 2, every), 12);

        var random = new Random(5);
        var points = Enumerable.Range(0, 400).Select(i => new[] { random.NextDouble() + i % 3 * 2, random.NextDouble() }).ToArray();
        var sample = Enumerable.Range(0, 400).Where(i => i % 2 == 0).ToArray();
        int[][] clusterings = [[.. points.Select((_, i) => i % 3)], [.. points.Select(p => p[1] > 0.5 ? 1 : 0)], [.. points.Select((_, i) => i % 5)]];
        int[] ks = [3, 2, 5];
        var together = PersonaClustering.Silhouettes(points, clusterings, ks, sample);
        for (var f = 0; f < 3; f++)
        {
            Assert.Equal(PersonaClustering.Silhouette(points, clusterings[f], ks[f], sample), together[f], 10);
        }
        Assert.True(together[0] > 0.5 && together[2] < 0.05, $"{together[0]} / {together[2]}");
    }

    [Fact]
    public void Standardising_gives_each_column_mean_zero_and_unit_deviation_and_leaves_a_constant_column_at_zero()
    {
        double[][] rows = [[1, 5, 7], [3, 5, 9], [5, 5, 11]];
        var (z, means, deviations) = PersonaClustering.Standardise(rows);
        Assert.Equal([3.0, 5.0, 9.0], means);
        Assert.Equal(0, deviations[1]);
        for (var j = 0; j < 3; j++)
        {
            Assert.Equal(0, z.Average(r => r[j]), 12);
        }
        Assert.Equal(1, Math.Sqrt(z.Average(r => r[0] * r[0])), 12);
        Assert.All(z, r => Assert.Equal(0, r[1]));
    }

    [Fact]
    public void Well_separated_groups_are_found_with_their_number_chosen_by_the_silhouette()
    {
        var random = new Random(11);
        double[][] centres = [[0, 0, 0], [6, 0, 0], [0, 6, 0], [0, 0, 6], [6, 6, 6]];
        var truth = new List<int>();
        var rows = new List<double[]>();
        for (var i = 0; i < 600; i++)
        {
            var c = i % centres.Length;
            truth.Add(c);
            rows.Add([.. centres[c].Select(v => v + random.NextDouble() - 0.5)]);
        }
        var clusters = PersonaClustering.Fit([.. rows]);
        Assert.Equal(5, clusters.Chosen.K);
        Assert.Equal(1.0, PersonaClustering.AdjustedRandIndex(truth, clusters.Chosen.Assignments), 9);
        Assert.Equal(Enumerable.Range(PersonaClustering.MinK, PersonaClustering.MaxK - PersonaClustering.MinK + 1), clusters.SilhouetteByK.Keys.Order());
        // Deterministic: the same data gives the same personas.
        Assert.Equal(clusters.Chosen.Assignments, PersonaClustering.Fit([.. rows]).Chosen.Assignments);
    }
}
