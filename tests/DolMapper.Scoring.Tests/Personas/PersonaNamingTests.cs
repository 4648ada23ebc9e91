using DolMapper.Scoring.Personas;

namespace DolMapper.Scoring.Tests.Personas;

public sealed class PersonaNamingTests
{
    private static readonly string[] Features = ["hcp_following", "peer_trust", "activity", "public_influence", "presence", "science", "community", "conversation", "locality"];

    private static double[] Centroid(params (string Feature, double Z)[] values)
    {
        var centroid = new double[Features.Length];
        foreach (var (feature, z) in values)
        {
            centroid[Array.IndexOf(Features, feature)] = z;
        }
        return centroid;
    }

    [Fact]
    public void Each_cluster_is_named_for_what_sets_it_apart_and_no_two_share_a_name()
    {
        var names = PersonaNaming.Name(Features,
        [
            Centroid(("science", 1.8), ("peer_trust", 0.9)),
            Centroid(("community", 1.5)),
            Centroid(("conversation", 1.2), ("science", 1.0)),
            Centroid(("public_influence", 1.1), ("conversation", -1.2)),
            Centroid(("locality", 1.4)),
            Centroid(("activity", -1.0), ("peer_trust", -0.8)),
            Centroid(("science", 1.2)),
        ]);
        Assert.Equal(["Scientific Communicator", "Patient Champion", "Conversation Starter", "Broadcaster", "Local Voice", "Quiet Clinician", "Generalist"], names);
    }

    [Fact]
    public void Two_quiet_clusters_get_distinct_names()
    {
        var names = PersonaNaming.Name(Features, [Centroid(("activity", -1.0)), Centroid(("activity", -0.5)), Centroid(("science", 2))]);
        Assert.Equal(["Quiet Clinician", "Quiet Clinician 2", "Scientific Communicator"], names);
    }

    [Fact]
    public void New_centroids_continue_the_nearest_previous_persona_and_a_far_one_starts_a_new_persona()
    {
        double[][] previous = [[0, 0], [5, 5], [10, 0]];
        double[][] current = [[5.2, 4.9], [0.1, -0.2], [30, 30]];
        Assert.Equal([1, 0, -1], PersonaNaming.Match(current, previous));
    }

    [Fact]
    public void Refining_from_the_previous_centroids_keeps_each_cluster_in_its_place()
    {
        var random = new Random(5);
        double[][] centres = [[0, 0], [8, 0], [0, 8], [8, 8]];
        var rows = Enumerable.Range(0, 400).Select(i => centres[i % 4].Select(v => v + random.NextDouble() - 0.5).ToArray()).ToArray();
        // Start from the centres in another order: cluster i must stay the one nearest start i.
        double[][] start = [[8.3, 7.6], [0.4, 0.3], [7.5, -0.4], [-0.2, 8.4]];
        var fit = PersonaClustering.Refine(rows, start, [.. Enumerable.Range(0, 400)]);
        // Rows cycle through the centres [0,0], [8,0], [0,8], [8,8]: nearest starts 1, 2, 3, 0.
        Assert.Equal([1, 2, 3, 0], fit.Assignments.Take(4));
        Assert.Equal(100, fit.Assignments.Count(a => a == 0));
        Assert.True(fit.Silhouette > 0.8);
    }
}
