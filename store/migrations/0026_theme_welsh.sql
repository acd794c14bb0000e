-- A learning theme's Welsh name (issue 11, rule 7): readers who prefer
-- Welsh see themes in Welsh. The built-in themes' Welsh names are in the
-- message catalogue (i18n/catalog, theme.<code>); an admin gives an added
-- theme's Welsh name on /admin/themes. Until one is given the theme shows
-- in English, and the admin page says so. Nullable, so the previous
-- release's statements still run (expand only).
ALTER TABLE learning_themes ADD COLUMN label_cy text
    CHECK (label_cy IS NULL OR (label_cy <> '' AND length(label_cy) <= 80));
