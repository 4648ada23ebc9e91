using DolMapper.Scoring.Hcp;

namespace DolMapper.Scoring.Tests.Hcp;

public sealed class BehaviouralHcpTests
{
    private static Lazy<HcpClassifier> Classifier => TrainedOnce.WholeCorpus;

    [Fact]
    public void Behaviour_separates_people_who_act_like_HCPs_from_those_who_do_not()
    {
        var random = new Random(3);
        var examples = new List<(float[], bool)>();
        for (var i = 0; i < 200; i++)
        {
            var hcp = i % 2 == 0;
            // HCPs: scholarly links, engaged by and engaging HCPs; others: rarely.
            examples.Add((BehaviouralHcp.Features(40, hcp ? random.Next(5, 15) : random.Next(0, 2), 20, hcp ? random.Next(10, 18) : random.Next(0, 4),
                20, hcp ? random.Next(10, 18) : random.Next(0, 4), hcp ? random.Next(0, 3) : 0, random.Next(0, 20)), hcp));
        }
        var model = BehaviouralHcp.Fit(examples);
        Assert.NotNull(model);
        var probabilities = model.Predict(
        [
            BehaviouralHcp.Features(30, 8, 15, 12, 10, 8, 1, 5),
            BehaviouralHcp.Features(30, 0, 15, 1, 10, 1, 0, 5),
        ]);
        Assert.True(probabilities[0] > 0.8, $"{probabilities[0]:F2}");
        Assert.True(probabilities[1] < 0.2, $"{probabilities[1]:F2}");
    }

    [Fact]
    public void Too_few_examples_of_either_side_give_no_model()
    {
        var examples = Enumerable.Range(0, 100).Select(i => (BehaviouralHcp.Features(10, 1, 5, 1, 5, 1, 0, 1), i < 10)).ToList();
        Assert.Null(BehaviouralHcp.Fit(examples));
    }

    [Theory]
    [InlineData("Sean Williams", "", true)]
    [InlineData("Sean Williams", "Dad. Runner.", true)]
    // A name alone says too little to be sure either way: behaviour may add such a person.
    [InlineData("Sean Williams, MD", "", true)]
    [InlineData("Nicole Rossi PhD", "", true)]
    [InlineData("Ben Chen 🩺", "", true)]
    [InlineData("Sean Williams", "ICU nurse.", false)]
    [InlineData("Sean Williams", "Cardiologist at a community hospital.", false)]
    [InlineData("Sean Williams", "Software engineer, coffee, cycling and bad puns.", false)]
    public void A_profile_is_silent_when_its_bio_is_almost_empty_and_names_no_role(string name, string bio, bool silent)
    {
        Assert.Equal(silent, Classifier.Value.Predict(name, name.Split(' ')[0].ToLowerInvariant(), bio).Uninformative);
    }
}
