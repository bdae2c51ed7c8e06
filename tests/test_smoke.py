def test_sign_in_page(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert b"Sign in" in response.data


def test_partnership_list(client, login, make):
    login("viewer")
    make.partnership(partner=make.city(name="Kyoto", native_name="京都市"))
    response = client.get("/partnerships/")
    assert response.status_code == 200
    assert "京都市" in response.text
