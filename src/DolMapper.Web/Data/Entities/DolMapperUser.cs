using Microsoft.AspNetCore.Identity;

namespace DolMapper.Web.Data.Entities;

/// <summary>A person who signs in to DolMapper; the user name is the e-mail address.</summary>
public sealed class DolMapperUser : IdentityUser
{
    public string? DisplayName { get; set; }
    public DateTime CreatedAt { get; set; }
}
