using Microsoft.AspNetCore.Mvc;

namespace DolMapper.Web.Features.Shortlists;

/// <summary>
/// The shortlist picker other pages embed (rankings, DOL profile): the profile's lists, newest
/// first, and "New shortlist…". Owned here, so those pages need nothing of the shortlists slice
/// in their C#; they post to this slice's Add handler.
/// </summary>
public sealed class ShortlistPickerViewComponent(ShortlistStore shortlists) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(string profile) =>
        View("~/Features/Shortlists/_ShortlistPicker.cshtml", await shortlists.NamesAsync(profile, HttpContext.RequestAborted));
}
