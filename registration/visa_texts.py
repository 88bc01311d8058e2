"""The words of the visa support letter in the six languages; {fields} are filled per delegate."""

from __future__ import annotations

VISA_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "nationality": "Nationality",
        "passport": "Passport number",
        "born": "Date of birth",
        "expires": "Passport valid until",
        "heading": "Visa support letter",
        "reference": "Ref:",
        "to": "To the Embassy or Consulate of {host}",
        "to_residence": "in {residence}",
        "subject": "Subject: {event}, {venue}, {dates}",
        "salutation": "Excellency,",
        "confirm": (
            "The Secretariat has the honour to confirm that {person}, {function}, is registered "
            "as a member of the delegation of {country} to the {event}, to be held at {venue}, "
            "{dates}."
        ),
        "request": (
            "The Secretariat would be grateful if the Embassy or Consulate could facilitate the "
            "issuance of an entry visa to {name} for the duration of the event."
        ),
        "costs": (
            "This letter does not imply any commitment by the Secretariat to cover the costs of "
            "travel, accommodation or subsistence."
        ),
        "badge": "Registration (badge) number: {badge}",
        "closing": (
            "The Secretariat avails itself of this opportunity to renew to the Embassy or "
            "Consulate the assurances of its highest consideration."
        ),
        "signature": "For the Secretariat",
        "contact": "Contact:",
        "copy": "English version",
    },
    "fr": {
        "nationality": "Nationalité",
        "passport": "Numéro de passeport",
        "born": "Date de naissance",
        "expires": "Passeport valable jusqu'au",
        "heading": "Lettre d'appui à une demande de visa",
        "reference": "Réf.:",
        "to": "Ambassade ou Consulat – {host}",
        "to_residence": "Pays : {residence}",
        "subject": "Objet: {event}, {venue}, {dates}",
        "salutation": "Excellence,",
        "confirm": (
            "Le Secrétariat a l'honneur de confirmer que {person}, {function}, est inscrit(e) "
            "en qualité de membre de la délégation de l'État suivant : {country}, à la "
            "manifestation intitulée « {event} », qui se tiendra à {venue}, {dates}."
        ),
        "request": (
            "Le Secrétariat saurait gré à l'Ambassade ou au Consulat de bien vouloir faciliter "
            "la délivrance d'un visa d'entrée à {name} pour la durée de la manifestation."
        ),
        "costs": (
            "La présente lettre n'emporte aucun engagement du Secrétariat à prendre en charge "
            "les frais de voyage, d'hébergement ou de subsistance."
        ),
        "badge": "Numéro d'inscription (badge): {badge}",
        "closing": (
            "Le Secrétariat saisit cette occasion pour renouveler à l'Ambassade ou au Consulat "
            "les assurances de sa très haute considération."
        ),
        "signature": "Pour le Secrétariat",
        "contact": "Contact:",
        "copy": "Version française",
    },
    "es": {
        "nationality": "Nacionalidad",
        "passport": "Número de pasaporte",
        "born": "Fecha de nacimiento",
        "expires": "Pasaporte válido hasta el",
        "heading": "Carta de apoyo para la solicitud de visado",
        "reference": "Ref.:",
        "to": "Embajada o Consulado – {host}",
        "to_residence": "País: {residence}",
        "subject": "Asunto: {event}, {venue}, {dates}",
        "salutation": "Excelencia:",
        "confirm": (
            "La Secretaría tiene el honor de confirmar que {person}, {function}, está inscrito(a) "
            "como miembro de la delegación de {country} en el evento «{event}», que se "
            "celebrará en {venue}, {dates}."
        ),
        "request": (
            "La Secretaría agradecería a la Embajada o al Consulado que tuviera a bien facilitar "
            "la expedición de un visado de entrada a {name} por la duración del evento."
        ),
        "costs": (
            "La presente carta no implica compromiso alguno de la Secretaría de sufragar los "
            "gastos de viaje, alojamiento o manutención."
        ),
        "badge": "Número de inscripción (tarjeta de identificación): {badge}",
        "closing": (
            "La Secretaría aprovecha la ocasión para reiterar a la Embajada o al Consulado el "
            "testimonio de su más alta consideración."
        ),
        "signature": "Por la Secretaría",
        "contact": "Contacto:",
        "copy": "Versión en español",
    },
    "ru": {
        "nationality": "Гражданство",
        "passport": "Номер паспорта",
        "born": "Дата рождения",
        "expires": "Паспорт действителен до",
        "heading": "Письмо в поддержку визового запроса",
        "reference": "Осн.:",
        "to": "Посольство или консульство – {host}",
        "to_residence": "Страна: {residence}",
        "subject": "Предмет: {event}, {venue}, {dates}",
        "salutation": "Ваше Превосходительство!",
        "confirm": (
            "Секретариат имеет честь подтвердить, что {person}, {function}, зарегистрирован(а) "
            "в качестве члена делегации государства {country} на мероприятие «{event}», "
            "которое состоится {dates} (место проведения: {venue})."
        ),
        "request": (
            "Секретариат был бы признателен посольству или консульству за содействие в выдаче "
            "въездной визы на период проведения мероприятия следующему лицу: {name}."
        ),
        "costs": (
            "Настоящее письмо не означает каких-либо обязательств Секретариата по покрытию "
            "расходов на проезд, проживание или суточные."
        ),
        "badge": "Регистрационный номер (номер пропуска): {badge}",
        "closing": (
            "Секретариат пользуется случаем, чтобы возобновить посольству или консульству "
            "уверения в своем самом высоком уважении."
        ),
        "signature": "За Секретариат",
        "contact": "Для контактов:",
        "copy": "Версия на русском языке",
    },
    "zh": {
        "nationality": "国籍",
        "passport": "护照号码",
        "born": "出生日期",
        "expires": "护照有效期至",
        "heading": "签证支持函",
        "reference": "文号：",
        "to": "致{host}驻{residence}大使馆或领事馆",
        "to_residence": "",
        "subject": "事由：{event}，{venue}，{dates}",
        "salutation": "阁下：",
        "confirm": (
            "秘书处谨确认，{person}（{function}）已登记为{country}代表团成员，"
            "出席将于{dates}在{venue}举行的{event}。"
        ),
        "request": "秘书处恳请贵馆为{name}在会议期间的入境签证签发提供便利。",
        "costs": "本函并不意味着秘书处承诺承担旅费、住宿费或生活费。",
        "badge": "登记（证件）编号：{badge}",
        "closing": "秘书处借此机会向贵馆重申最崇高的敬意。",
        "signature": "秘书处",
        "contact": "联系方式：",
        "copy": "中文本",
    },
    "ar": {
        "nationality": "الجنسية",
        "passport": "رقم جواز السفر",
        "born": "تاريخ الميلاد",
        "expires": "جواز السفر صالح حتى",
        "heading": "رسالة دعم لطلب تأشيرة",
        "reference": "المرجع:",
        "to": "سفارة أو قنصلية – {host}",
        "to_residence": "البلد: {residence}",
        "subject": "الموضوع: {event}، {venue}، {dates}",
        "salutation": "صاحب السعادة،",
        "confirm": (
            "تتشرف الأمانة بأن تؤكد أن {person}، {function}، مسجل(ة) بصفته عضواً في وفد "
            "{country} إلى {event}، المقرر عقده في {venue} في الفترة {dates}."
        ),
        "request": (
            "وستكون الأمانة ممتنة لو تفضلت السفارة أو القنصلية بتيسير إصدار تأشيرة دخول "
            "إلى {name} طوال مدة الحدث."
        ),
        "costs": (
            "لا تنطوي هذه الرسالة على أي التزام من جانب الأمانة بتحمل تكاليف السفر "
            "أو الإقامة أو المعيشة."
        ),
        "badge": "رقم التسجيل (الشارة): {badge}",
        "closing": "وتغتنم الأمانة هذه الفرصة لتعرب للسفارة أو القنصلية مجدداً عن فائق تقديرها.",
        "signature": "عن الأمانة",
        "contact": "جهة الاتصال:",
        "copy": "النسخة العربية",
    },
}
