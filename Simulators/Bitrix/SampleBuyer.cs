using System.Globalization;
using System.Text.Json.Nodes;

namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>
/// A buyer of the shop: the Bitrix user an order belongs to (userId) and the contact data its order properties carry.
/// </summary>
/// <param name="Fio">The FIO property, "Фамилия Имя Отчество".</param>
/// <param name="Phone">The PHONE property as the buyer typed it, e.g. "+7 (912) 345-67-89" or "89123456789".</param>
/// <param name="Address">The ADDRESS property without the index, e.g. "г. Казань, ул. Баумана, д. 15, кв. 3".</param>
/// <param name="Zip">The ZIP property.</param>
public sealed record SampleBuyer(int UserId, string Fio, string Email, string Phone, string Address, string Zip)
{
    /// <summary>
    /// The customer RetailCRM holds for this buyer after an integration sent it from one of the buyer's orders: externalId =
    /// userId (retailcrm/bitrix-module keys customers by USER_ID), lastName/firstName/patronymic split from FIO as the
    /// module's RCrmActions::explodeFio does, email, phones[{number}] and address{index, text} with the text the
    /// integration composes from ZIP and ADDRESS ("125009, г. Москва, …"). A buyer changed by
    /// <see cref="BuyerPool.WithNewPhone"/> or <see cref="BuyerPool.WithNewAddress"/> gives a customer that differs in that field only.
    /// </summary>
    public JsonObject ToRetailCrmCustomer()
    {
        string[] names = Fio.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        JsonObject customer = new() { ["externalId"] = UserId.ToString(CultureInfo.InvariantCulture) };
        switch (names)
        {
            case [var first]:
                customer["firstName"] = first;
                break;
            case [var last, var first, ..]:
                customer["firstName"] = first;
                customer["lastName"] = last;
                break;
        }
        if (names is [_, _, var patronymic])
            customer["patronymic"] = patronymic;
        customer["email"] = Email;
        customer["phones"] = new JsonArray(new JsonObject { ["number"] = Phone });
        customer["address"] = new JsonObject { ["index"] = Zip, ["text"] = $"{Zip}, {Address}" };
        return customer;
    }
}
