namespace DolMapper.Web.Demo;

/// <summary>Names, bios and post texts as people write them: credential styles, languages, emoji, disclaimers.</summary>
internal static class WorldText
{
    private static readonly string[] Disclaimers =
        ["Views my own.", "Tweets ≠ medical advice.", "RT ≠ endorsement.", "Opinions are my own.", "Not medical advice.", "Personal account.", "Views mine, not my employer's.", "No DMs for medical advice, sorry."];

    private static readonly string[] Hobbies =
        ["☕", "🏃‍♀️ marathoner", "dog mom 🐶", "dad of 3", "🚴", "bad at golf", "amateur baker", "🎸", "trail runner", "cat person", "bookworm 📚", "coffee-powered", "#FirstGen", "🏳️‍🌈", "mum of two", "🌱", "football fan ⚽", "Peloton addict"];

    private static readonly string[] Institutions =
        ["@MassGeneral", "Dana-Farber", "MD Anderson", "Mayo Clinic", "Johns Hopkins", "UCSF", "Cleveland Clinic", "Guy's and St Thomas'", "The Christie", "Royal Marsden", "Princess Margaret", "Vall d'Hebron", "Hospital 12 de Octubre", "Gustave Roussy", "AP-HP", "Charité", "LMU Klinikum", "Policlinico Gemelli", "AIIMS", "Hospital Sírio-Libanês", "Karolinska", "Peter Mac", "a community hospital", "a safety-net hospital", "NHS Lothian", "UHN"];

    private static readonly string[] Pharma = ["Novagen", "Corvantis", "Meridian Bio", "Helixa Pharma", "Aurelis Therapeutics", "Brightwell Health", "Pantera Oncology", "Solvane"];

    private static readonly string[] PatientOrgs =
        ["{0} Alliance", "{0} Support Network", "{0} Foundation", "Friends of {0} Patients", "{0} Patients UK", "{0} Action", "The {0} Society"];

    private static readonly Dictionary<string, string> AreaDisease = new()
    {
        ["oncology"] = "Breast Cancer", ["cardiology"] = "Heart Failure", ["diabetes"] = "Diabetes", ["neurology"] = "MS",
        ["infectious_disease"] = "HIV", ["respiratory"] = "Asthma", ["rheumatology"] = "Lupus", ["mental_health"] = "Mental Health",
    };

    public static string PersonName(Rng rng, Role role, string language, bool female, string country, out string first, out string last)
    {
        var names = WorldVocabulary.Names.TryGetValue(language, out var found) ? found : WorldVocabulary.Names["en"];
        first = rng.Pick(female ? names.Female : names.Male);
        last = rng.Pick(names.Last);
        var plain = $"{first} {last}";
        var commonwealth = country is "GB" or "IN" or "AU" or "IE" or "NG" or "ZA";
        switch (role)
        {
            case Role.Physician:
                return language switch
                {
                    "es" => rng.Pick(new[] { $"{(female ? "Dra." : "Dr.")} {plain}", plain, $"{(female ? "Dra" : "Dr")} {last}" }),
                    "fr" => rng.Pick(new[] { $"Dr {plain}", $"Pr {plain}", plain, $"{plain} 🩺" }),
                    "de" => rng.Pick(new[] { $"Dr. med. {plain}", $"Dr. {plain}", plain, $"PD Dr. {plain}" }),
                    "it" => rng.Pick(new[] { $"{(female ? "Dott.ssa" : "Dott.")} {plain}", plain, $"Dr. {plain}" }),
                    "pt" => rng.Pick(new[] { $"{(female ? "Dra." : "Dr.")} {plain}", plain }),
                    _ => commonwealth
                        ? rng.Pick(new[] { $"Dr {plain}", $"{plain} MBBS FRCP", $"{plain}, MBBS", $"Dr {first} {last} MRCP", plain, $"Prof {plain}", $"{plain} FRACP", $"{first} {last} 🩺" })
                        : rng.Pick(new[] { $"{plain}, MD", $"Dr. {plain}", $"{plain} MD PhD", $"{plain}, DO", $"{plain} MD, MPH", plain, $"{first} {last} MD", $"Dr. {first} {last[0]}.", $"{plain}, MD, FACC".Replace(", FACC", rng.Chance(0.5) ? ", FACC" : ", FASCO") }),
                };
            case Role.Nurse:
                return rng.Pick(new[] { $"{plain}, RN", $"{plain} RN BSN", $"{plain}, NP", $"{plain} MSN, FNP-C", plain, $"{first} {last} RN 💉", $"{plain} RGN", $"Nurse {first}" });
            case Role.Pharmacist:
                return rng.Pick(new[] { $"{plain}, PharmD", $"{plain} PharmD, BCOP", $"{plain} MPharm", plain, $"{first} {last}, RPh", $"{plain} 💊" });
            case Role.Researcher:
                return rng.Pick(new[] { $"{plain}, PhD", $"Dr. {plain}", $"Prof. {plain}", plain, $"{plain} PhD", $"{first} {last} 🔬" });
            case Role.OtherHcp:
                return rng.Pick(new[] { $"{plain}, PA-C", $"{plain} RD", $"{plain}, DPT", $"{plain} MSc", plain, $"{plain}, CGC" });
            case Role.MedicalStudent:
                return rng.Pick(new[] { plain, $"{first} {last} 📚", $"{first} | MS3", $"{first} {last[0]}." });
            case Role.PatientAdvocate:
                return rng.Pick(new[] { plain, $"{first} {last} 🎗️", $"{first} the {rng.Pick(new[] { "thriver", "warrior", "survivor" })}", $"{first} {last[0]}." });
            case Role.Organisation:
                return string.Format(System.Globalization.CultureInfo.InvariantCulture, rng.Pick(PatientOrgs), rng.Pick(AreaDisease.Values.ToArray()));
            case Role.Pharma:
                return $"{rng.Pick(Pharma)} {rng.Pick(new[] { "US", "Oncology", "Medical", "UK", "Global", "HCP" })}";
            case Role.Journal:
                return rng.Pick(new[] { "Journal of Clinical {0}", "{0} Reports", "Annals of {0} Practice", "{0} Today", "The {0} Review" })
                    .Replace("{0}", rng.Pick(new[] { "Oncology", "Cardiology", "Diabetology", "Neurology", "Infection", "Respiratory Medicine", "Rheumatology", "Psychiatry" }), StringComparison.Ordinal);
            case Role.Bot:
                return rng.Pick(new[] { "Health News 24/7", "Daily Wellness Tips", "Best Supplement Deals", "MedNews Bot", "Cure Facts", "Top Health Trends", "Vitamin Store Official" });
            default:
                return rng.Pick(new[] { plain, first, $"{first} {last[0]}.", $"{first.ToLowerInvariant()}{rng.Next(10, 99)}", $"{first} ⚽", $"{first} {last} 🌻", $"{first} the Doctor Who fan" });
        }
    }

    public static string Bio(Rng rng, Role role, string language, Specialty? specialty, string area, string country)
    {
        var parts = new List<string>(4);
        var institution = rng.Pick(Institutions);
        switch (role)
        {
            case Role.Physician:
                var title = specialty is null ? "physician" : language switch
                {
                    "es" => rng.Pick(specialty.Spanish),
                    "fr" => rng.Pick(specialty.French),
                    "de" => rng.Pick(specialty.German),
                    "it" => rng.Pick(specialty.Italian),
                    "pt" => rng.Pick(specialty.Portuguese),
                    _ => rng.Pick(specialty.English),
                };
                parts.Add(language switch
                {
                    "es" => rng.Pick(new[] { $"{Capitalise(title)} en {institution}.", $"{Capitalise(title)}. Investigación clínica.", $"Médica. {Capitalise(title)}." }),
                    "fr" => rng.Pick(new[] { $"{Capitalise(title)} à {institution}.", $"{Capitalise(title)}. Recherche clinique." }),
                    "de" => rng.Pick(new[] { $"{Capitalise(title)} am {institution}.", $"{Capitalise(title)}. Klinik & Forschung." }),
                    "it" => rng.Pick(new[] { $"{Capitalise(title)} presso {institution}.", $"{Capitalise(title)}. Ricerca clinica." }),
                    "pt" => rng.Pick(new[] { $"{Capitalise(title)} no {institution}.", $"{Capitalise(title)}. Pesquisa clínica." }),
                    _ => rng.Pick(new[] { $"{Capitalise(title)} at {institution}.", $"{Capitalise(title)}.", $"{Capitalise(title)} | {institution}", $"Practicing {title}.", $"{Capitalise(title)} & clinical trialist.", $"Academic {title}.", $"Retired {title}, still reading the journals." }),
                });
                if (rng.Chance(0.35))
                {
                    parts.Add(rng.Pick(new[] { $"Interested in {rng.Pick(Area(area).Keywords)} and {rng.Pick(Area(area).Keywords)}.", $"#{rng.Pick(Area(area).Hashtags)}", "Med ed enthusiast.", "Program director.", "Clinical trials, equity, mentorship.", "Associate Professor." }));
                }
                break;
            case Role.Nurse:
                parts.Add(rng.Pick(new[] { $"{Capitalise(AreaWord(area))} nurse at {institution}.", $"Nurse practitioner, {AreaWord(area)}.", "ICU nurse 💙", $"Clinical nurse specialist | {AreaWord(area)}", "Nurse educator.", language == "es" ? "Enfermera. Cuidados oncológicos." : "Registered nurse." }));
                break;
            case Role.Pharmacist:
                parts.Add(rng.Pick(new[] { $"Clinical pharmacist, {AreaWord(area)}.", $"{Capitalise(AreaWord(area))} pharmacist at {institution}.", "Hospital pharmacist 💊", "Pharmacist. Antimicrobial stewardship nerd.", language == "fr" ? "Pharmacien hospitalier." : "Community pharmacist." }));
                break;
            case Role.Researcher:
                parts.Add(rng.Pick(new[] { $"Epidemiologist studying {rng.Pick(Area(area).Keywords)}.", $"Postdoc in {AreaWord(area)} research.", $"PI, {AreaWord(area)} lab at {institution}.", "Health services researcher.", $"Biostatistician. Trials in {AreaWord(area)}.", "Translational scientist." }));
                break;
            case Role.OtherHcp:
                parts.Add(rng.Pick(new[] { "Physician assistant.", "Registered dietitian.", "Physical therapist.", "Genetic counselor 🧬", "Paramedic.", "Occupational therapist." }));
                break;
            case Role.MedicalStudent:
                parts.Add(rng.Pick(new[] { "MS3 at a state school.", "Med student, future " + AreaWord(area) + " doc?", "MD candidate 2027.", "Medical student | aspiring physician", language == "es" ? "Estudiante de medicina." : "4th year medical student.", "MS2. Learning every day." }));
                break;
            case Role.PatientAdvocate:
                parts.Add(rng.Pick(new[] { $"Living with {AreaDiseaseWord(area)}. Patient advocate.", $"{AreaDiseaseWord(area)} survivor & advocate.", $"Caregiver. Advocating for {AreaDiseaseWord(area)} research.", $"Stage IV since 2019. #{rng.Pick(Area(area).PatientHashtags)}", "Patient voice in research. Not a doctor." }));
                break;
            case Role.Organisation:
                parts.Add(rng.Pick(new[] { $"Supporting people affected by {AreaDiseaseWord(area)} since 1998.", "Registered charity. Helpline open weekdays.", $"Patient-led organisation for {AreaDiseaseWord(area)}.", "Information, support and research funding." }));
                break;
            case Role.Pharma:
                parts.Add(rng.Pick(new[] { "Official account. For US healthcare professionals.", "Biopharmaceutical company. To report an adverse event, visit our website.", "Medical affairs news. Not intended for patients.", "Innovating in " + AreaWord(area) + ". Terms of use on our site." }));
                break;
            case Role.Journal:
                parts.Add(rng.Pick(new[] { "Peer-reviewed journal. Latest research in " + AreaWord(area) + ".", "Official journal account. Open access articles.", "Editors' picks, early online articles and podcasts." }));
                break;
            case Role.Bot:
                parts.Add(rng.Pick(new[] { "Best health deals every hour!!", "Auto-posting the latest health headlines.", "Follow for daily tips 💯💯", "DM for promo" }));
                break;
            default:
                parts.Add(rng.Pick(new[] { "Dad. Runner. Coffee.", "Teacher. Reader.", "Just here for the memes", "Doctor Who fan. Tea drinker.", "Software engineer. Opinions mine.", "MD (Maryland) born and raised.", "Nursing my coffee addiction ☕", "Mum of 3 | lover of dogs", "PhD in physics, not that kind of doctor.", "Pharmaceutical sales rep turned baker.", "Retired. Gardening.", "Sports, politics, music.", "Health nut 🥑", "" }));
                break;
        }
        if (role is Role.Physician or Role.Nurse or Role.Pharmacist or Role.Researcher or Role.OtherHcp && rng.Chance(0.45))
        {
            parts.Add(rng.Pick(Disclaimers));
        }
        if (role is not Role.Organisation and not Role.Pharma and not Role.Journal and not Role.Bot && rng.Chance(0.3))
        {
            parts.Add(rng.Pick(Hobbies));
        }
        if (rng.Chance(0.06))
        {
            parts.Add(rng.Pick(new[] { "she/her", "he/him", "they/them" }));
        }
        return string.Join(rng.Pick(new[] { " ", " | ", " • ", ". " }), parts.Where(p => p.Length > 0)).Replace(". .", ".", StringComparison.Ordinal);
    }

    private static TherapyArea Area(string key) => WorldVocabulary.Areas.First(a => a.Key == key);

    private static string AreaWord(string area) => area switch
    {
        "oncology" => "oncology", "cardiology" => "cardiology", "diabetes" => "diabetes", "neurology" => "neurology",
        "infectious_disease" => "infectious diseases", "respiratory" => "respiratory", "rheumatology" => "rheumatology",
        _ => "mental health",
    };

    private static string AreaDiseaseWord(string area) => area switch
    {
        "oncology" => "metastatic breast cancer", "cardiology" => "heart failure", "diabetes" => "type 1 diabetes",
        "neurology" => "MS", "infectious_disease" => "HIV", "respiratory" => "severe asthma", "rheumatology" => "lupus",
        _ => "bipolar disorder",
    };

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    // ---- posts ----

    private static readonly string[] EnglishOpeners =
        ["New data on {k}:", "Important trial on {k} out today.", "Thoughts on {k}?", "Great discussion today about {k}.", "Seeing more {k} in clinic lately.", "Patients keep asking me about {k}.", "Reminder:", "Huge congrats to the team —", "Can we talk about {k} for a second?", "My take on the {k} paper:", "Tweetorial 🧵 on {k}", "Q for colleagues: how do you approach {k}?", "Practice-changing? Not so fast.", "Big day for {k}.", "Loved this piece on {k}."];

    private static readonly string[] EnglishMiddles =
        ["The absolute benefit is modest but real.", "Hazard ratio looks great; the curves separate early.", "We need more diverse trial populations.", "Access is still the problem.", "Shared decision-making matters here.", "Small n, but hypothesis-generating.", "This will change how I counsel patients.", "Long-term follow-up needed.", "Cost is going to be a barrier.", "Real-world data look consistent.", "Nice work by the whole group.", "Still many open questions.", ""];

    private static readonly Dictionary<string, (string[] Openers, string[] Middles)> OtherLanguages = new()
    {
        ["es"] = (["Nuevos datos sobre {k}:", "Interesante estudio sobre {k}.", "¿Qué opináis de {k}?", "Gran sesión hoy sobre {k}.", "Hilo 🧵 sobre {k}"], ["Beneficio modesto pero real.", "Necesitamos más datos a largo plazo.", "El acceso sigue siendo el problema.", ""]),
        ["fr"] = (["Nouvelles données sur {k} :", "Étude intéressante sur {k}.", "Que pensez-vous de {k} ?", "Belle session aujourd'hui sur {k}."], ["Bénéfice modeste mais réel.", "Il faut un suivi plus long.", ""]),
        ["de"] = (["Neue Daten zu {k}:", "Spannende Studie zu {k}.", "Was haltet ihr von {k}?", "Tolle Sitzung heute zu {k}."], ["Bescheidener, aber echter Nutzen.", "Längere Nachbeobachtung nötig.", ""]),
        ["it"] = (["Nuovi dati su {k}:", "Studio interessante su {k}.", "Cosa ne pensate di {k}?"], ["Beneficio modesto ma reale.", "Servono dati a lungo termine.", ""]),
        ["pt"] = (["Novos dados sobre {k}:", "Estudo interessante sobre {k}.", "O que acham de {k}?"], ["Benefício modesto, mas real.", "Precisamos de mais dados.", ""]),
    };

    private static readonly string[] PatientLines =
        ["Scan day tomorrow. #scanxiety is real.", "Grateful for my care team today 💕", "To everyone newly diagnosed: you are not alone.", "Three years NED today!", "Why is getting {k} covered so hard?", "Joining the chat tonight — who else?", "Please fund more research into {k}.", "Our support group meets Thursday. All welcome."];

    private static readonly string[] PublicLines =
        ["Anyone else think {k} is overhyped?", "My aunt just started {k}, fingers crossed", "Saw a documentary about {k} last night", "Can't believe the price of {k}", "lol this weather", "Game day! ⚽", "Coffee first.", "Is {k} actually safe? Asking for a friend", "Monday again 😩"];

    private static readonly string[] BotLines =
        ["🔥 Top 10 health tips you NEED today 🔥", "BREAKING health news — click now!!", "Best deals on supplements, today only 💯", "Boost your immunity naturally! Link in bio"];

    /// <summary>A post's text; <paramref name="keyword"/> is the topic it is about.</summary>
    public static string Post(Rng rng, Role role, string language, string keyword)
    {
        string text;
        if (role == Role.Bot)
        {
            text = rng.Pick(BotLines);
        }
        else if (role is Role.PatientAdvocate or Role.Organisation)
        {
            text = rng.Pick(PatientLines);
        }
        else if (role == Role.Public)
        {
            text = rng.Pick(PublicLines);
        }
        else if (language != "en" && OtherLanguages.TryGetValue(language, out var other) && rng.Chance(0.8))
        {
            text = Join(rng.Pick(other.Openers), rng.Pick(other.Middles));
        }
        else
        {
            text = Join(rng.Pick(EnglishOpeners), rng.Pick(EnglishMiddles));
        }
        return text.Replace("{k}", keyword, StringComparison.Ordinal).TrimEnd();
    }

    private static string Join(string opener, string middle)
    {
        if (middle.Length == 0)
        {
            return opener;
        }
        var last = opener[^1];
        return last is ':' or '.' or '?' or '!' or '—' ? opener + " " + middle : opener + ". " + middle;
    }
}
