namespace AfterSales.Quality.Tickets;

/// <summary>The three-answer form of "would you recommend us?".</summary>
public enum RecommendAnswer
{
    /// <summary>Yes: a promoter.</summary>
    Yes = 0,

    /// <summary>Unsure: passive.</summary>
    Unsure = 1,

    /// <summary>No: a detractor.</summary>
    No = 2,
}

/// <summary>
/// A customer's answers to the satisfaction survey of the guides (DOMAIN §5): the overall CSAT
/// score, four 1–5 dimensions, the recommendation as 0–10 (NPS) or the three-answer form, the
/// customer effort score, and free text. Every answer is optional (customers skip questions), but
/// a survey has at least one. Immutable.
/// </summary>
public sealed record SurveyAnswers
{
    /// <summary>Overall satisfaction, 1–5 (CSAT).</summary>
    public int? Satisfaction { get; init; }

    /// <summary>Response speed, 1–5.</summary>
    public int? ResponseSpeed { get; init; }

    /// <summary>Answer accuracy, 1–5.</summary>
    public int? Accuracy { get; init; }

    /// <summary>Attitude, 1–5.</summary>
    public int? Attitude { get; init; }

    /// <summary>Resolution effect, 1–5.</summary>
    public int? ResolutionEffect { get; init; }

    /// <summary>"Would you recommend us?" on 0–10 (NPS: 9–10 promoters, 0–6 detractors). Exclusive with <see cref="Recommend"/>.</summary>
    public int? LikelihoodToRecommend { get; init; }

    /// <summary>"Would you recommend us?" in the three-answer form. Exclusive with <see cref="LikelihoodToRecommend"/>.</summary>
    public RecommendAnswer? Recommend { get; init; }

    /// <summary>Customer effort score, 1 (very easy) – 7 (very hard).</summary>
    public int? EffortScore { get; init; }

    /// <summary>Whether the customer is a returning customer, if asked.</summary>
    public bool? IsReturningCustomer { get; init; }

    /// <summary>The channel the survey was answered on (e.g. <c>sms</c>, <c>app</c>), if recorded.</summary>
    public string? Channel { get; init; }

    /// <summary>The customer's open suggestion.</summary>
    public string? Suggestion { get; init; }

    /// <summary>
    /// The survey's CSAT score, 1–5: the overall <see cref="Satisfaction"/> when the customer gave one, else the mean of
    /// the dimensions answered (the guides' template 2 asks response speed, accuracy, attitude and resolution effect and
    /// no overall score), rounded to the nearest point with halves up (4, 4, 3, 3 → 3.5 → 4); null when neither was
    /// answered. The CSAT KPIs (<c>CsatMean</c>, <c>CsatSatisfiedShare</c>: 4 or 5 is satisfied) and the low-score early
    /// warning read this score.
    /// </summary>
    public int? OverallSatisfaction
    {
        get
        {
            if (Satisfaction is { } overall)
            {
                return overall;
            }

            int sum = 0, count = 0;
            foreach (var dimension in new[] { ResponseSpeed, Accuracy, Attitude, ResolutionEffect })
            {
                if (dimension is { } d)
                {
                    sum += d;
                    count++;
                }
            }

            return count == 0 ? null : (int)Math.Round((double)sum / count, MidpointRounding.AwayFromZero);
        }
    }

    /// <summary>Whether the customer is a promoter (9–10, or "yes"); null when the question was not answered.</summary>
    public bool? IsPromoter => LikelihoodToRecommend is { } n ? n >= 9 : Recommend is { } r ? r == RecommendAnswer.Yes : null;

    /// <summary>Whether the customer is a detractor (0–6, or "no"); null when the question was not answered.</summary>
    public bool? IsDetractor => LikelihoodToRecommend is { } n ? n <= 6 : Recommend is { } r ? r == RecommendAnswer.No : null;

    internal void Validate(ValidationCollector errors, string prefix)
    {
        void Range(int? value, int min, int max, string name)
        {
            if (value is { } v && (v < min || v > max))
            {
                errors.Add($"{prefix}.{name}", $"must be between {min} and {max}; it was {v}.");
            }
        }

        Range(Satisfaction, 1, 5, nameof(Satisfaction));
        Range(ResponseSpeed, 1, 5, nameof(ResponseSpeed));
        Range(Accuracy, 1, 5, nameof(Accuracy));
        Range(Attitude, 1, 5, nameof(Attitude));
        Range(ResolutionEffect, 1, 5, nameof(ResolutionEffect));
        Range(LikelihoodToRecommend, 0, 10, nameof(LikelihoodToRecommend));
        Range(EffortScore, 1, 7, nameof(EffortScore));
        if (Recommend is { } r && !Enum.IsDefined(r))
        {
            errors.Add($"{prefix}.{nameof(Recommend)}", $"'{(int)r}' is not an answer (Yes, Unsure, No).");
        }

        if (LikelihoodToRecommend is not null && Recommend is not null)
        {
            errors.Add($"{prefix}.{nameof(Recommend)}", $"give the recommendation either as {nameof(LikelihoodToRecommend)} (0-10) or as {nameof(Recommend)}, not both.");
        }

        errors.MaxLength(Suggestion, 8000, $"{prefix}.{nameof(Suggestion)}");
        errors.MaxLength(Channel, 64, $"{prefix}.{nameof(Channel)}");
        if (Satisfaction is null && ResponseSpeed is null && Accuracy is null && Attitude is null && ResolutionEffect is null
            && LikelihoodToRecommend is null && Recommend is null && EffortScore is null && string.IsNullOrWhiteSpace(Suggestion))
        {
            errors.Add(prefix, "has no answer; a survey records at least one.");
        }
    }
}
