using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class LearnedRanking : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "learned_rank",
                table: "person_scores",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "learned_score",
                table: "person_scores",
                type: "double precision",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_person_scores_run_id_learned_rank",
                table: "person_scores",
                columns: new[] { "run_id", "learned_rank" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_person_scores_run_id_learned_rank",
                table: "person_scores");

            migrationBuilder.DropColumn(
                name: "learned_rank",
                table: "person_scores");

            migrationBuilder.DropColumn(
                name: "learned_score",
                table: "person_scores");
        }
    }
}
