using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class QuestionSortIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_person_scores_run_id_activity_rank",
                table: "person_scores",
                columns: new[] { "run_id", "activity", "rank" },
                descending: new[] { false, true, false });

            migrationBuilder.CreateIndex(
                name: "ix_person_scores_run_id_community_rank",
                table: "person_scores",
                columns: new[] { "run_id", "community", "rank" },
                descending: new[] { false, true, false });

            migrationBuilder.CreateIndex(
                name: "ix_person_scores_run_id_geography_rank",
                table: "person_scores",
                columns: new[] { "run_id", "geography", "rank" },
                descending: new[] { false, true, false });

            migrationBuilder.CreateIndex(
                name: "ix_person_scores_run_id_hcp_following_rank",
                table: "person_scores",
                columns: new[] { "run_id", "hcp_following", "rank" },
                descending: new[] { false, true, false });

            migrationBuilder.CreateIndex(
                name: "ix_person_scores_run_id_peer_trust_rank",
                table: "person_scores",
                columns: new[] { "run_id", "peer_trust", "rank" },
                descending: new[] { false, true, false });

            migrationBuilder.CreateIndex(
                name: "ix_person_scores_run_id_presence_rank",
                table: "person_scores",
                columns: new[] { "run_id", "presence", "rank" },
                descending: new[] { false, true, false });

            migrationBuilder.CreateIndex(
                name: "ix_person_scores_run_id_public_influence_rank",
                table: "person_scores",
                columns: new[] { "run_id", "public_influence", "rank" },
                descending: new[] { false, true, false });

            migrationBuilder.CreateIndex(
                name: "ix_person_scores_run_id_relationship_rank",
                table: "person_scores",
                columns: new[] { "run_id", "relationship", "rank" },
                descending: new[] { false, true, false });

            migrationBuilder.CreateIndex(
                name: "ix_person_scores_run_id_relevance_rank",
                table: "person_scores",
                columns: new[] { "run_id", "relevance", "rank" },
                descending: new[] { false, true, false });

            migrationBuilder.CreateIndex(
                name: "ix_person_scores_run_id_science_rank",
                table: "person_scores",
                columns: new[] { "run_id", "science", "rank" },
                descending: new[] { false, true, false });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_person_scores_run_id_activity_rank",
                table: "person_scores");

            migrationBuilder.DropIndex(
                name: "ix_person_scores_run_id_community_rank",
                table: "person_scores");

            migrationBuilder.DropIndex(
                name: "ix_person_scores_run_id_geography_rank",
                table: "person_scores");

            migrationBuilder.DropIndex(
                name: "ix_person_scores_run_id_hcp_following_rank",
                table: "person_scores");

            migrationBuilder.DropIndex(
                name: "ix_person_scores_run_id_peer_trust_rank",
                table: "person_scores");

            migrationBuilder.DropIndex(
                name: "ix_person_scores_run_id_presence_rank",
                table: "person_scores");

            migrationBuilder.DropIndex(
                name: "ix_person_scores_run_id_public_influence_rank",
                table: "person_scores");

            migrationBuilder.DropIndex(
                name: "ix_person_scores_run_id_relationship_rank",
                table: "person_scores");

            migrationBuilder.DropIndex(
                name: "ix_person_scores_run_id_relevance_rank",
                table: "person_scores");

            migrationBuilder.DropIndex(
                name: "ix_person_scores_run_id_science_rank",
                table: "person_scores");
        }
    }
}
