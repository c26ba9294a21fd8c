using System.ComponentModel;
using System.Globalization;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Prioritization;

/// <summary>Converts a category name to a <see cref="TicketCategory"/>, so configuration binding works.</summary>
public sealed class TicketCategoryConverter : TypeConverter
{
    /// <inheritdoc />
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    /// <inheritdoc />
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? new TicketCategory(text.Trim()) : base.ConvertFrom(context, culture, value);
}

/// <summary>Converts a channel name to a <see cref="ServiceChannel"/>, so configuration binding works.</summary>
public sealed class ServiceChannelConverter : TypeConverter
{
    /// <inheritdoc />
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    /// <inheritdoc />
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? new ServiceChannel(text.Trim()) : base.ConvertFrom(context, culture, value);
}
