using Microsoft.ML;
using Microsoft.ML.Data;

namespace DolMapper.Scoring.Hcp;

/// <summary>
/// A second opinion for profiles that say nothing about a role (no credential, no role word, almost
/// no bio): how HCPs behave. A logistic regression is fitted, in each scoring run, on the persons
/// whose profiles do say (confident HCPs against confident non-HCPs) over a few behaviour features,
/// and gives the silent profiles a probability of being an HCP. Features:
/// <see cref="Features"/>. It never overrides a profile that speaks.
/// </summary>
public sealed class BehaviouralHcp
{
    /// <summary>The number of features per person.</summary>
    public const int FeatureCount = 5;

    /// <summary>At least this many examples of each side are needed to fit.</summary>
    public const int MinimumExamples = 30;

    private readonly MLContext _ml;
    private readonly ITransformer _model;

    private BehaviouralHcp(MLContext ml, ITransformer model)
    {
        _ml = ml;
        _model = model;
    }

    /// <summary>
    /// The features: scholarly-link share of posts, share of engagers who are HCPs, share of their
    /// own engagements that go to HCPs, whether they tag congresses, and the share of their posts
    /// that are replies. Shares are smoothed towards 0 so a handful of events is not certainty.
    /// </summary>
    public static float[] Features(int posts, int scholarlyPosts, int engagers, int hcpEngagers, int engagementsMade, int engagementsToHcps, int congresses, int replies) =>
    [
        (float)(scholarlyPosts / (posts + 5.0)),
        (float)(hcpEngagers / (engagers + 3.0)),
        (float)(engagementsToHcps / (engagementsMade + 3.0)),
        congresses > 0 ? 1f : 0f,
        (float)(replies / (posts + 5.0)),
    ];

    private sealed class Row
    {
        public bool Label { get; set; }

        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];
    }

    private sealed class Scored
    {
        public float Probability { get; set; }
    }

    /// <summary>Fits on labelled examples; null when either side has fewer than <see cref="MinimumExamples"/>.</summary>
    public static BehaviouralHcp? Fit(IReadOnlyList<(float[] Features, bool IsHcp)> examples)
    {
        if (examples.Count(e => e.IsHcp) < MinimumExamples || examples.Count(e => !e.IsHcp) < MinimumExamples)
        {
            return null;
        }
        var ml = new MLContext(seed: 7);
        var data = ml.Data.LoadFromEnumerable(examples.Select(e => new Row { Label = e.IsHcp, Features = e.Features }).ToList());
        var model = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(labelColumnName: "Label", featureColumnName: "Features").Fit(data);
        return new BehaviouralHcp(ml, model);
    }

    /// <summary>The probability that each person is an HCP, from behaviour alone.</summary>
    public double[] Predict(IReadOnlyList<float[]> features)
    {
        if (features.Count == 0)
        {
            return [];
        }
        var data = _ml.Data.LoadFromEnumerable(features.Select(f => new Row { Features = f }).ToList());
        return [.. _ml.Data.CreateEnumerable<Scored>(_model.Transform(data), reuseRowObject: false).Select(s => (double)s.Probability)];
    }
}
