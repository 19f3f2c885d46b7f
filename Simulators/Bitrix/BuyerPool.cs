using System.Globalization;
using System.Text;

namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>
/// The buyers of a sale day, deterministic from a seed: distinct Russian names, e-mails, phones and addresses; the orders
/// dealt out so that a share of the buyers come back with several orders; and changed versions of a buyer (a new phone
/// or address) for customers whose details change between orders. Build an order with
/// <c>SampleOrders.Create(id, new SampleOrderOptions(Buyer: pool.BuyerOf(id)))</c>.
/// </summary>
public sealed class BuyerPool
{
    private const int MostOrdersOfOneBuyer = 4;

    private static readonly (string Male, string Female)[] Surnames =
    [
        ("Иванов", "Иванова"), ("Смирнов", "Смирнова"), ("Кузнецов", "Кузнецова"), ("Попов", "Попова"), ("Васильев", "Васильева"),
        ("Петров", "Петрова"), ("Соколов", "Соколова"), ("Михайлов", "Михайлова"), ("Новиков", "Новикова"), ("Фёдоров", "Фёдорова"),
        ("Морозов", "Морозова"), ("Волков", "Волкова"), ("Алексеев", "Алексеева"), ("Лебедев", "Лебедева"), ("Семёнов", "Семёнова"),
        ("Егоров", "Егорова"), ("Павлов", "Павлова"), ("Козлов", "Козлова"), ("Степанов", "Степанова"), ("Николаев", "Николаева"),
        ("Орлов", "Орлова"), ("Андреев", "Андреева"), ("Макаров", "Макарова"), ("Никитин", "Никитина"), ("Захаров", "Захарова"),
        ("Зайцев", "Зайцева"), ("Соловьёв", "Соловьёва"), ("Борисов", "Борисова"), ("Яковлев", "Яковлева"), ("Григорьев", "Григорьева"),
        ("Романов", "Романова"), ("Воробьёв", "Воробьёва"), ("Белов", "Белова"), ("Тарасов", "Тарасова"), ("Жуковский", "Жуковская"),
        ("Ковалевский", "Ковалевская"), ("Гончаренко", "Гончаренко"), ("Шевчук", "Шевчук"),
    ];

    private static readonly string[] MaleNames =
    [
        "Александр", "Алексей", "Андрей", "Артём", "Владимир", "Денис", "Дмитрий", "Евгений", "Иван", "Игорь",
        "Илья", "Кирилл", "Максим", "Михаил", "Никита", "Николай", "Олег", "Павел", "Роман", "Сергей",
    ];

    private static readonly string[] FemaleNames =
    [
        "Алина", "Анастасия", "Анна", "Вера", "Виктория", "Галина", "Дарья", "Екатерина", "Елена", "Ирина",
        "Ксения", "Марина", "Мария", "Наталья", "Ольга", "Полина", "Светлана", "Софья", "Татьяна", "Юлия",
    ];

    private static readonly (string Male, string Female)[] Patronymics =
    [
        ("Александрович", "Александровна"), ("Алексеевич", "Алексеевна"), ("Андреевич", "Андреевна"), ("Викторович", "Викторовна"),
        ("Владимирович", "Владимировна"), ("Дмитриевич", "Дмитриевна"), ("Иванович", "Ивановна"), ("Игоревич", "Игоревна"),
        ("Михайлович", "Михайловна"), ("Николаевич", "Николаевна"), ("Олегович", "Олеговна"), ("Павлович", "Павловна"),
        ("Петрович", "Петровна"), ("Сергеевич", "Сергеевна"), ("Юрьевич", "Юрьевна"),
    ];

    private static readonly (string City, int FirstZip, string[] Streets)[] Cities =
    [
        ("Москва", 101000, ["ул. Тверская", "ул. Арбат", "Ленинский пр-т", "ул. Профсоюзная", "Кутузовский пр-т", "ул. Бутлерова"]),
        ("Санкт-Петербург", 190000, ["Невский пр-т", "ул. Садовая", "Лиговский пр-т", "ул. Марата", "Московский пр-т"]),
        ("Казань", 420000, ["ул. Баумана", "ул. Пушкина", "пр-т Победы"]),
        ("Екатеринбург", 620000, ["ул. Малышева", "ул. Ленина", "ул. 8 Марта"]),
        ("Новосибирск", 630000, ["Красный пр-т", "ул. Гоголя", "ул. Кирова"]),
        ("Нижний Новгород", 603000, ["ул. Большая Покровская", "ул. Родионова"]),
        ("Самара", 443000, ["ул. Куйбышева", "Московское ш."]),
        ("Краснодар", 350000, ["ул. Красная", "ул. Северная"]),
        ("Воронеж", 394000, ["пр-т Революции", "ул. Плехановская"]),
        ("Пермь", 614000, ["ул. Ленина", "Комсомольский пр-т"]),
    ];

    private static readonly string[] MobileCodes = ["903", "905", "909", "912", "915", "916", "921", "925", "926", "950", "960", "977", "985", "999"];

    private static readonly string[] MailDomains = ["example.ru", "example.com", "example.org", "example.net"];

    private readonly int seed;
    private readonly HashSet<string> phones = [];
    private readonly Dictionary<int, SampleBuyer> buyerByOrder = [];
    private readonly Dictionary<int, List<int>> ordersByUser = [];

    /// <param name="orderIds">The Bitrix order ids to deal out; each gets exactly one buyer.</param>
    /// <param name="returningShare">Share of buyers with two to four orders; the rest have one.</param>
    /// <param name="firstUserId">Bitrix user id of the first buyer; the others follow it.</param>
    public BuyerPool(int seed, IReadOnlyList<int> orderIds, double returningShare = 0.25, int firstUserId = 200_001)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(returningShare, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(returningShare, 1);
        this.seed = seed;
        Random random = new(seed);
        int[] shuffled = [.. orderIds];
        random.Shuffle(shuffled);
        HashSet<string> emails = [];
        List<SampleBuyer> buyers = [];
        for (int dealt = 0; dealt < shuffled.Length; )
        {
            int index = buyers.Count;
            // Buyer k returns when floor((k+1)·share) steps up: exactly that share of every run of buyers, spread evenly.
            bool returning = Math.Floor((index + 1) * returningShare) > Math.Floor(index * returningShare);
            int orderCount = Math.Min(returning ? random.Next(2, MostOrdersOfOneBuyer + 1) : 1, shuffled.Length - dealt);
            SampleBuyer buyer = NewBuyer(random, firstUserId + index, emails);
            buyers.Add(buyer);
            ordersByUser[buyer.UserId] = [.. shuffled.AsSpan(dealt, orderCount).ToArray().Order()];
            foreach (int orderId in ordersByUser[buyer.UserId])
                buyerByOrder[orderId] = buyer;
            dealt += orderCount;
        }
        Buyers = buyers;
    }

    /// <summary>Every buyer, in user-id order.</summary>
    public IReadOnlyList<SampleBuyer> Buyers { get; }

    public SampleBuyer BuyerOf(int orderId) => buyerByOrder[orderId];

    /// <summary>The buyer's order ids, ascending; two or more for a returning buyer.</summary>
    public IReadOnlyList<int> OrdersOf(SampleBuyer buyer) => ordersByUser[buyer.UserId];

    /// <summary>The same buyer with another mobile number, the same on every call.</summary>
    public SampleBuyer WithNewPhone(SampleBuyer buyer)
    {
        Random random = ChangeRandom(buyer, salt: 1);
        string phone;
        do
            phone = NewPhone(random);
        while (phones.Contains(phone) || phone == buyer.Phone);
        return buyer with { Phone = phone };
    }

    /// <summary>The same buyer moved to another address (and so another index), the same on every call.</summary>
    public SampleBuyer WithNewAddress(SampleBuyer buyer)
    {
        Random random = ChangeRandom(buyer, salt: 2);
        (string address, string zip) = NewAddress(random);
        while (address == buyer.Address || zip == buyer.Zip)
            (address, zip) = NewAddress(random);
        return buyer with { Address = address, Zip = zip };
    }

    private Random ChangeRandom(SampleBuyer buyer, int salt) => new(unchecked(seed * 7919 + buyer.UserId * 31 + salt));

    private SampleBuyer NewBuyer(Random random, int userId, HashSet<string> emails)
    {
        bool female = random.Next(2) == 0;
        (string maleSurname, string femaleSurname) = Pick(random, Surnames);
        (string malePatronymic, string femalePatronymic) = Pick(random, Patronymics);
        string first = Pick(random, female ? FemaleNames : MaleNames);
        string last = female ? femaleSurname : maleSurname;
        string fio = $"{last} {first} {(female ? femalePatronymic : malePatronymic)}";
        string email = NewEmail(random, first, last, userId, emails);
        string phone;
        do
            phone = NewPhone(random);
        while (!phones.Add(phone));
        (string address, string zip) = NewAddress(random);
        return new SampleBuyer(userId, fio, email, phone, address, zip);
    }

    private static string NewEmail(Random random, string first, string last, int userId, HashSet<string> taken)
    {
        string name = Latin(first), surname = Latin(last);
        string local = random.Next(3) switch
        {
            0 => $"{name}.{surname}",
            1 => $"{name[0]}.{surname}",
            _ => $"{surname}{random.Next(70, 100)}",
        };
        string domain = Pick(random, MailDomains);
        // Namesakes happen; the user id makes a taken address unique, as shops' users do with digits.
        string email = $"{local}@{domain}";
        if (!taken.Add(email))
            taken.Add(email = $"{local}{userId}@{domain}");
        return email;
    }

    /// <summary>A mobile number in one of the ways buyers type it into the PHONE field.</summary>
    private static string NewPhone(Random random)
    {
        string code = Pick(random, MobileCodes);
        string digits = random.Next(0, 10_000_000).ToString("D7", CultureInfo.InvariantCulture);
        return random.Next(3) switch
        {
            0 => $"+7 ({code}) {digits[..3]}-{digits[3..5]}-{digits[5..]}",
            1 => $"8{code}{digits}",
            _ => $"+7{code}{digits}",
        };
    }

    private static (string Address, string Zip) NewAddress(Random random)
    {
        (string city, int firstZip, string[] streets) = Pick(random, Cities);
        string street = Pick(random, streets);
        int house = random.Next(1, 120);
        string building = random.Next(5) == 0 ? $", корп. {random.Next(1, 4)}" : "";
        // Some buyers live in a house of their own and give no flat.
        string flat = random.Next(6) == 0 ? "" : $", кв. {random.Next(1, 300)}";
        string zip = (firstZip + random.Next(0, 100)).ToString("D6", CultureInfo.InvariantCulture);
        return ($"г. {city}, {street}, д. {house}{building}{flat}", zip);
    }

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];

    /// <summary>Russian letters to Latin for e-mail local parts, the way people commonly spell their names in addresses.</summary>
    private static string Latin(string russian)
    {
        StringBuilder latin = new();
        foreach (char letter in russian.ToLowerInvariant())
        {
            latin.Append(letter switch
            {
                'а' => "a", 'б' => "b", 'в' => "v", 'г' => "g", 'д' => "d", 'е' or 'ё' or 'э' => "e", 'ж' => "zh", 'з' => "z",
                'и' => "i", 'й' or 'ы' => "y", 'к' => "k", 'л' => "l", 'м' => "m", 'н' => "n", 'о' => "o", 'п' => "p", 'р' => "r",
                'с' => "s", 'т' => "t", 'у' => "u", 'ф' => "f", 'х' => "kh", 'ц' => "ts", 'ч' => "ch", 'ш' => "sh", 'щ' => "shch",
                'ъ' or 'ь' => "", 'ю' => "yu", 'я' => "ya",
                _ => letter.ToString(),
            });
        }
        return latin.ToString();
    }
}
