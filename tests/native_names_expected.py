"""Well-known cities and the names they write for themselves, as a native reader expects them in a signed
document: (English name in the gazetteer, country, the city's own name). The name is the city's, without
the administrative unit (東京, not 東京都; 深圳, not 深圳市; 서울, not 서울특별시): the unit belongs to the
sentence ("For the City of …"). Where two spellings are both official and current, both are accepted
(a tuple): Telugu's literary హైదరాబాదు beside హైదరాబాద్, Albanian's definite Tirana beside Tiranë,
San Sebastián's bilingual official name. A name equal to the English one means the city has no other name of its own.

Taipei is 臺北: the character the city itself and the Republic of China's laws write (臺北市政府); 台北
is the everyday shorthand, which CLDR's label uses. Chinese names are in Simplified characters in mainland
China and Singapore, in Traditional characters in Taiwan, Hong Kong and Macao.
"""

CITIES = [
    # Japanese
    ("Tokyo", "JP", "東京"), ("Osaka", "JP", "大阪"), ("Kyoto", "JP", "京都"), ("Yokohama", "JP", "横浜"),
    ("Nagoya", "JP", "名古屋"), ("Sapporo", "JP", "札幌"), ("Kobe", "JP", "神戸"), ("Fukuoka", "JP", "福岡"),
    ("Hiroshima", "JP", "広島"), ("Sendai", "JP", "仙台"), ("Nagasaki", "JP", "長崎"), ("Nara", "JP", "奈良"),
    ("Kanazawa", "JP", "金沢"), ("Yokkaichi", "JP", "四日市"), ("Naha", "JP", "那覇"),
    ("Kitakyushu", "JP", "北九州"), ("Okayama", "JP", "岡山"), ("Kumamoto", "JP", "熊本"), ("Niigata", "JP", "新潟"),
    # Korean
    ("Seoul", "KR", "서울"), ("Busan", "KR", "부산"), ("Incheon", "KR", "인천"), ("Daegu", "KR", "대구"),
    ("Daejeon", "KR", "대전"), ("Gwangju", "KR", "광주"), ("Ulsan", "KR", "울산"), ("Suwon", "KR", "수원"),
    ("Jeonju", "KR", "전주"), ("Changwon", "KR", "창원"), ("Pyongyang", "KP", "평양"),
    # Chinese, Simplified
    ("Beijing", "CN", "北京"), ("Shanghai", "CN", "上海"), ("Guangzhou", "CN", "广州"), ("Shenzhen", "CN", "深圳"),
    ("Chengdu", "CN", "成都"), ("Chongqing", "CN", "重庆"), ("Wuhan", "CN", "武汉"), ("Xi'an", "CN", "西安"),
    ("Hangzhou", "CN", "杭州"), ("Nanjing", "CN", "南京"), ("Tianjin", "CN", "天津"), ("Suzhou", "CN", "苏州"),
    ("Harbin", "CN", "哈尔滨"), ("Shenyang", "CN", "沈阳"), ("Dalian", "CN", "大连"), ("Qingdao", "CN", "青岛"),
    ("Xiamen", "CN", "厦门"), ("Kunming", "CN", "昆明"), ("Ürümqi", "CN", "乌鲁木齐"), ("Lhasa", "CN", "拉萨"),
    ("Changsha", "CN", "长沙"), ("Zhengzhou", "CN", "郑州"), ("Guilin", "CN", "桂林"),
    # Chinese, Traditional
    ("Taipei", "TW", "臺北"), ("Kaohsiung", "TW", "高雄"), ("Taichung", "TW", "臺中"), ("Tainan", "TW", "臺南"),
    ("Hsinchu", "TW", "新竹"), ("Keelung", "TW", "基隆"), ("Hong Kong", "HK", "香港"), ("Macau", "MO", "澳門"),
    # Hebrew
    ("Jerusalem", "IL", "ירושלים"), ("Tel Aviv", "IL", ("תל אביב-יפו", "תל אביב")), ("Haifa", "IL", "חיפה"),
    ("Beersheba", "IL", "באר שבע"), ("Eilat", "IL", "אילת"), ("Netanya", "IL", "נתניה"), ("Ashdod", "IL", "אשדוד"),
    ("Nazareth", "IL", "נצרת"), ("Rishon LeZiyyon", "IL", "ראשון לציון"),
    ("Petah Tikva", "IL", ("פתח תקווה", "פתח תקוה")),
    # Arabic
    ("Cairo", "EG", "القاهرة"), ("Alexandria", "EG", "الإسكندرية"), ("Giza", "EG", "الجيزة"),
    ("Amman", "JO", "عمّان"), ("Riyadh", "SA", "الرياض"), ("Jeddah", "SA", "جدة"),
    ("Mecca", "SA", ("مكة المكرمة", "مكة")), ("Medina", "SA", ("المدينة المنورة", "المدينة")),
    ("Dubai", "AE", "دبي"), ("Abu Dhabi", "AE", ("أبو ظبي", "أبوظبي")), ("Doha", "QA", "الدوحة"),
    ("Kuwait City", "KW", ("مدينة الكويت", "الكويت")), ("Manama", "BH", "المنامة"), ("Muscat", "OM", "مسقط"),
    ("Sanaa", "YE", "صنعاء"), ("Baghdad", "IQ", "بغداد"), ("Basrah", "IQ", "البصرة"), ("Mosul", "IQ", "الموصل"),
    ("Damascus", "SY", "دمشق"), ("Aleppo", "SY", "حلب"), ("Beirut", "LB", "بيروت"), ("Tripoli", "LY", "طرابلس"),
    ("Tunis", "TN", "تونس"), ("Algiers", "DZ", "الجزائر"), ("Oran", "DZ", "وهران"),
    ("Casablanca", "MA", "الدار البيضاء"), ("Rabat", "MA", "الرباط"), ("Marrakesh", "MA", "مراكش"),
    ("Fes", "MA", "فاس"), ("Khartoum", "SD", "الخرطوم"), ("Nouakchott", "MR", "نواكشوط"), ("Gaza", "PS", "غزة"),
    ("Irbid", "JO", "إربد"), ("Aqaba", "JO", "العقبة"),
    # Persian (Iran, Afghanistan)
    ("Tehran", "IR", "تهران"), ("Isfahan", "IR", "اصفهان"), ("Shiraz", "IR", "شیراز"), ("Mashhad", "IR", "مشهد"),
    ("Tabriz", "IR", "تبریز"), ("Qom", "IR", "قم"), ("Kerman", "IR", "کرمان"), ("Kabul", "AF", "کابل"),
    ("Herat", "AF", "هرات"), ("Mazar-e Sharif", "AF", "مزار شریف"),
    # Urdu
    ("Lahore", "PK", "لاہور"), ("Karachi", "PK", "کراچی"), ("Islamabad", "PK", "اسلام آباد"),
    ("Rawalpindi", "PK", "راولپنڈی"), ("Peshawar", "PK", "پشاور"), ("Quetta", "PK", "کوئٹہ"),
    ("Multan", "PK", "ملتان"), ("Faisalabad", "PK", "فیصل آباد"),
    # Hindi
    ("New Delhi", "IN", "नई दिल्ली"), ("Delhi", "IN", "दिल्ली"), ("Varanasi", "IN", "वाराणसी"),
    ("Jaipur", "IN", "जयपुर"), ("Lucknow", "IN", "लखनऊ"), ("Agra", "IN", "आगरा"), ("Kanpur", "IN", "कानपुर"),
    ("Patna", "IN", "पटना"), ("Bhopal", "IN", "भोपाल"), ("Indore", "IN", ("इंदौर", "इन्दौर")),
    # Marathi
    ("Mumbai", "IN", "मुंबई"), ("Pune", "IN", "पुणे"), ("Nagpur", "IN", "नागपूर"), ("Nashik", "IN", "नाशिक"),
    # Bengali
    ("Kolkata", "IN", "কলকাতা"), ("Howrah", "IN", "হাওড়া"), ("Siliguri", "IN", "শিলিগুড়ি"),
    ("Durgapur", "IN", "দুর্গাপুর"), ("Asansol", "IN", "আসানসোল"), ("Dhaka", "BD", "ঢাকা"),
    ("Chittagong", "BD", "চট্টগ্রাম"), ("Khulna", "BD", "খুলনা"), ("Sylhet", "BD", "সিলেট"),
    ("Rajshahi", "BD", "রাজশাহী"),
    # Tamil
    ("Chennai", "IN", "சென்னை"), ("Madurai", "IN", "மதுரை"), ("Coimbatore", "IN", "கோயம்புத்தூர்"),
    ("Tiruchirappalli", "IN", "திருச்சிராப்பள்ளி"), ("Salem", "IN", "சேலம்"), ("Vellore", "IN", "வேலூர்"),
    ("Jaffna", "LK", "யாழ்ப்பாணம்"),
    # Telugu
    ("Hyderabad", "IN", ("హైదరాబాద్", "హైదరాబాదు")), ("Visakhapatnam", "IN", "విశాఖపట్నం"), ("Vijayawada", "IN", "విజయవాడ"),
    ("Warangal", "IN", ("వరంగల్", "వరంగల్లు")), ("Guntur", "IN", "గుంటూరు"), ("Tirupati", "IN", "తిరుపతి"),
    # Kannada
    ("Bengaluru", "IN", "ಬೆಂಗಳೂರು"), ("Mysore", "IN", "ಮೈಸೂರು"), ("Mangalore", "IN", "ಮಂಗಳೂರು"),
    ("Hubli", "IN", "ಹುಬ್ಬಳ್ಳಿ"), ("Belgaum", "IN", "ಬೆಳಗಾವಿ"),
    # Malayalam, Gujarati, Punjabi (Gurmukhi), Odia
    ("Thiruvananthapuram", "IN", "തിരുവനന്തപുരം"), ("Kochi", "IN", "കൊച്ചി"), ("Kozhikode", "IN", "കോഴിക്കോട്"),
    ("Thrissur", "IN", "തൃശ്ശൂർ"),
    ("Ahmedabad", "IN", "અમદાવાદ"), ("Surat", "IN", "સુરત"), ("Vadodara", "IN", "વડોદરા"), ("Rajkot", "IN", "રાજકોટ"),
    ("Amritsar", "IN", "ਅੰਮ੍ਰਿਤਸਰ"), ("Ludhiana", "IN", "ਲੁਧਿਆਣਾ"), ("Jalandhar", "IN", "ਜਲੰਧਰ"),
    ("Patiala", "IN", "ਪਟਿਆਲਾ"),
    ("Bhubaneswar", "IN", ("ଭୁବନେଶ୍ୱର", "ଭୁବନେଶ୍ବର")), ("Cuttack", "IN", "କଟକ"),
    # Nepali, Sinhala, Dhivehi, Dzongkha
    ("Kathmandu", "NP", "काठमाडौं"), ("Pokhara", "NP", "पोखरा"), ("Biratnagar", "NP", "विराटनगर"),
    ("Bharatpur", "NP", "भरतपुर"),
    ("Colombo", "LK", "කොළඹ"), ("Kandy", "LK", ("මහනුවර", "නුවර")), ("Galle", "LK", "ගාල්ල"),
    ("Negombo", "LK", "මීගමුව"),
    ("Malé", "MV", "މާލެ"), ("Thimphu", "BT", "ཐིམ་ཕུ"),
    # Thai, Lao, Khmer, Burmese
    ("Bangkok", "TH", "กรุงเทพมหานคร"), ("Chiang Mai", "TH", "เชียงใหม่"), ("Phuket", "TH", "ภูเก็ต"),
    ("Pattaya", "TH", "พัทยา"), ("Khon Kaen", "TH", "ขอนแก่น"), ("Hat Yai", "TH", "หาดใหญ่"),
    ("Nakhon Ratchasima", "TH", "นครราชสีมา"), ("Udon Thani", "TH", "อุดรธานี"),
    ("Vientiane", "LA", "ວຽງຈັນ"), ("Pakse", "LA", "ປາກເຊ"),
    ("Phnom Penh", "KH", "ភ្នំពេញ"), ("Siem Reap", "KH", "សៀមរាប"), ("Battambang", "KH", "បាត់ដំបង"),
    ("Yangon", "MM", "ရန်ကုန်"), ("Mandalay", "MM", "မန္တလေး"), ("Nay Pyi Taw", "MM", "နေပြည်တော်"),
    ("Mawlamyine", "MM", "မော်လမြိုင်"), ("Bago", "MM", "ပဲခူး"),
    # Georgian, Armenian
    ("Tbilisi", "GE", "თბილისი"), ("Batumi", "GE", "ბათუმი"), ("Kutaisi", "GE", "ქუთაისი"),
    ("Rustavi", "GE", "რუსთავი"), ("Zugdidi", "GE", "ზუგდიდი"), ("Gori", "GE", "გორი"),
    ("Yerevan", "AM", "Երևան"), ("Gyumri", "AM", "Գյումրի"), ("Vanadzor", "AM", "Վանաձոր"),
    # Amharic, Tigrinya
    ("Addis Ababa", "ET", "አዲስ አበባ"), ("Dire Dawa", "ET", ("ድሬዳዋ", "ድሬ ዳዋ")), ("Gondar", "ET", "ጎንደር"),
    ("Bahir Dar", "ET", ("ባሕር ዳር", "ባህር ዳር")), ("Asmara", "ER", "ኣስመራ"),
    # Greek
    ("Athens", "GR", "Αθήνα"), ("Thessaloniki", "GR", "Θεσσαλονίκη"), ("Patra", "GR", "Πάτρα"),
    ("Heraklion", "GR", "Ηράκλειο"), ("Larissa", "GR", "Λάρισα"), ("Nicosia", "CY", "Λευκωσία"),
    ("Limassol", "CY", "Λεμεσός"),
    # Russian
    ("Moscow", "RU", "Москва"), ("Saint Petersburg", "RU", "Санкт-Петербург"), ("Novosibirsk", "RU", "Новосибирск"),
    ("Yekaterinburg", "RU", "Екатеринбург"), ("Kazan", "RU", "Казань"), ("Nizhniy Novgorod", "RU", "Нижний Новгород"),
    ("Vladivostok", "RU", "Владивосток"), ("Samara", "RU", "Самара"), ("Volgograd", "RU", "Волгоград"),
    ("Irkutsk", "RU", "Иркутск"), ("Khabarovsk", "RU", "Хабаровск"), ("Kaliningrad", "RU", "Калининград"),
    # Ukrainian, Belarusian
    ("Kyiv", "UA", "Київ"), ("Kharkiv", "UA", "Харків"), ("Odesa", "UA", "Одеса"), ("Lviv", "UA", "Львів"),
    ("Dnipro", "UA", "Дніпро"), ("Zaporizhzhia", "UA", "Запоріжжя"),
    ("Minsk", "BY", "Мінск"), ("Gomel", "BY", "Гомель"), ("Brest", "BY", "Брэст"), ("Grodno", "BY", "Гродна"),
    ("Vitebsk", "BY", "Віцебск"), ("Mogilev", "BY", "Магілёў"),
    # Bulgarian, Serbian, Macedonian
    ("Sofia", "BG", "София"), ("Plovdiv", "BG", "Пловдив"), ("Varna", "BG", "Варна"), ("Burgas", "BG", "Бургас"),
    ("Belgrade", "RS", "Београд"), ("Novi Sad", "RS", "Нови Сад"), ("Niš", "RS", "Ниш"),
    ("Kragujevac", "RS", "Крагујевац"),
    ("Skopje", "MK", "Скопје"), ("Bitola", "MK", "Битола"), ("Ohrid", "MK", "Охрид"),
    # Kazakh, Kyrgyz, Tajik, Mongolian
    ("Almaty", "KZ", "Алматы"), ("Shymkent", "KZ", "Шымкент"), ("Karagandy", "KZ", ("Қарағанды", "Караганда")),
    ("Bishkek", "KG", "Бишкек"), ("Osh", "KG", "Ош"), ("Dushanbe", "TJ", "Душанбе"), ("Khujand", "TJ", "Хуҷанд"),
    ("Ulaanbaatar", "MN", "Улаанбаатар"), ("Erdenet", "MN", "Эрдэнэт"), ("Darkhan", "MN", "Дархан"),
    # Latin-script languages: the local name where it differs from the English one
    ("Munich", "DE", "München"), ("Cologne", "DE", "Köln"), ("Nuremberg", "DE", "Nürnberg"),
    ("Hanover", "DE", "Hannover"), ("Vienna", "AT", "Wien"), ("Zürich", "CH", "Zürich"),
    ("Geneva", "CH", "Genève"), ("Warsaw", "PL", "Warszawa"), ("Kraków", "PL", "Kraków"),
    ("Gdańsk", "PL", "Gdańsk"), ("Prague", "CZ", "Praha"), ("Lisbon", "PT", "Lisboa"), ("Rome", "IT", "Roma"),
    ("Milan", "IT", "Milano"), ("Naples", "IT", "Napoli"), ("Turin", "IT", "Torino"), ("Florence", "IT", "Firenze"),
    ("Venice", "IT", "Venezia"), ("Genoa", "IT", "Genova"), ("Sevilla", "ES", "Sevilla"),
    ("Mexico City", "MX", "Ciudad de México"), ("Barcelona", "ES", "Barcelona"), ("Valencia", "ES", "València"),
    ("San Sebastián", "ES", ("Donostia", "Donostia / San Sebastián")), ("Bilbao", "ES", "Bilbao"), ("A Coruña", "ES", "A Coruña"),
    ("The Hague", "NL", ("Den Haag", "'s-Gravenhage")), ("Antwerpen", "BE", "Antwerpen"), ("Gent", "BE", "Gent"),
    ("Brugge", "BE", "Brugge"), ("Brussels", "BE", ("Bruxelles", "Brussel")), ("Liège", "BE", "Liège"),
    ("Montréal", "CA", "Montréal"), ("Québec", "CA", "Québec"), ("Copenhagen", "DK", "København"),
    ("Gothenburg", "SE", "Göteborg"), ("Bucharest", "RO", "București"), ("Istanbul", "TR", "İstanbul"),
    ("İzmir", "TR", "İzmir"), ("Hanoi", "VN", "Hà Nội"), ("Ho Chi Minh City", "VN", "Thành phố Hồ Chí Minh"),
    ("Da Nang", "VN", "Đà Nẵng"), ("Huế", "VN", "Huế"), ("Haiphong", "VN", "Hải Phòng"),
    ("Can Tho", "VN", "Cần Thơ"), ("Tirana", "AL", ("Tiranë", "Tirana")), ("Riga", "LV", "Rīga"),
    ("Reykjavík", "IS", "Reykjavík"), ("Baku", "AZ", "Bakı"), ("Tashkent", "UZ", "Toshkent"),
    ("Samarkand", "UZ", "Samarqand"), ("Ashgabat", "TM", "Aşgabat"),
    # English names that are the cities' own: no other name
    ("Berlin", "DE", "Berlin"), ("Hamburg", "DE", "Hamburg"), ("Paris", "FR", "Paris"), ("Lyon", "FR", "Lyon"),
    ("Madrid", "ES", "Madrid"), ("Porto", "PT", "Porto"), ("Helsinki", "FI", "Helsinki"),
    ("Budapest", "HU", "Budapest"), ("Zagreb", "HR", "Zagreb"), ("Jakarta", "ID", "Jakarta"),
    ("Nairobi", "KE", "Nairobi"), ("Singapore", "SG", "Singapore"), ("Manila", "PH", "Manila"),
    ("Johannesburg", "ZA", "Johannesburg"), ("Portland", "US", "Portland"), ("Toronto", "CA", "Toronto"),
]
