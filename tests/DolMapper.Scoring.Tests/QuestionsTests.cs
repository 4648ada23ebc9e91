using DolMapper.Scoring;

namespace DolMapper.Scoring.Tests;

public class QuestionsTests
{
    [Fact]
    public void All_lists_the_ten_contract_keys_in_contract_order()
    {
        Assert.Equal(
            ["relevance", "hcp_following", "peer_trust", "activity", "public_influence",
             "presence", "relationship", "science", "geography", "community"],
            Questions.All);
        Assert.Equal(Questions.Count, Questions.All.Count);
    }

    [Theory]
    [InlineData("relevance", 0)]
    [InlineData("community", 9)]
    [InlineData("Relevance", -1)]
    [InlineData("reach", -1)]
    public void IndexOf_is_exact_and_case_sensitive(string key, int expected) =>
        Assert.Equal(expected, Questions.IndexOf(key));
}
