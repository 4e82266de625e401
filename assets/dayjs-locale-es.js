/* Spanish (Mexico) names for the date pickers of dash-mantine-components (DatePickerInput).
 * Mantine formats dates with dayjs; dmc's DatesProvider registers the locale object it finds in
 * window.dayjs_locale_<name> (the global a dayjs locale file defines), so this file only has to
 * define it: an object with the shape of dayjs's own "es" locale, written here so that nothing is
 * fetched from a CDN. Week starts on Monday; dates are written dd/mm/aaaa. */
(function () {
  'use strict';
  window.dayjs_locale_es = {
    name: 'es',
    months: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto',
      'septiembre', 'octubre', 'noviembre', 'diciembre'],
    monthsShort: ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov',
      'dic'],
    weekdays: ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'],
    weekdaysShort: ['dom.', 'lun.', 'mar.', 'mié.', 'jue.', 'vie.', 'sáb.'],
    weekdaysMin: ['do', 'lu', 'ma', 'mi', 'ju', 'vi', 'sá'],
    weekStart: 1,
    yearStart: 4,
    formats: {
      LT: 'H:mm',
      LTS: 'H:mm:ss',
      L: 'DD/MM/YYYY',
      LL: 'D [de] MMMM [de] YYYY',
      LLL: 'D [de] MMMM [de] YYYY H:mm',
      LLLL: 'dddd, D [de] MMMM [de] YYYY H:mm'
    },
    relativeTime: {
      future: 'en %s', past: 'hace %s', s: 'unos segundos', m: 'un minuto', mm: '%d minutos',
      h: 'una hora', hh: '%d horas', d: 'un día', dd: '%d días', M: 'un mes', MM: '%d meses',
      y: 'un año', yy: '%d años'
    },
    ordinal: function (n) { return n + 'º'; }
  };
}());
